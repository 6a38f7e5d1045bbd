//! Command-line parsing (small enough that a parser crate would cost more than it saves).

/// What `wisp [run] FILE …` was asked to do.
#[derive(Debug, Default, PartialEq)]
pub struct Options {
    pub file: String,
    pub invoke: Option<String>,
    /// The program's arguments (after `argv[0]`), or the invoked function's.
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Preopened directories: (host path, guest path).
    pub dirs: Vec<(String, String)>,
    pub fuel: Option<u64>,
    pub max_call_depth: Option<usize>,
    /// Total bytes of linear memory the program's store may take.
    pub max_memory_size: Option<u64>,
    /// Total table elements the program's store may hold.
    pub max_table_elements: Option<u64>,
    /// Function imports nobody defines trap when called, instead of failing the link.
    pub unknown_imports_trap: bool,
    /// Collect garbage before every so many allocations (a debugging aid: slow).
    pub gc_zeal: u32,
    /// Page every linear memory from a sparse file in this directory.
    pub memory_dir: Option<String>,
}

/// `Ok(None)` means help was asked for. Options come before the file; everything after it
/// belongs to the program (or, with `--invoke`, to the function).
pub fn parse(argv: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options::default();
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--invoke" => o.invoke = Some(value("--invoke")?),
            "--fuel" => {
                let v = value("--fuel")?;
                o.fuel = Some(v.parse().map_err(|_| format!("bad --fuel value `{v}`"))?);
            }
            "--max-call-depth" => {
                let v = value("--max-call-depth")?;
                o.max_call_depth = Some(
                    v.parse()
                        .map_err(|_| format!("bad --max-call-depth `{v}`"))?,
                );
            }
            "--max-memory-size" => {
                let v = value("--max-memory-size")?;
                o.max_memory_size = Some(
                    v.parse()
                        .map_err(|_| format!("bad --max-memory-size `{v}`"))?,
                );
            }
            "--max-table-elements" => {
                let v = value("--max-table-elements")?;
                o.max_table_elements = Some(
                    v.parse()
                        .map_err(|_| format!("bad --max-table-elements `{v}`"))?,
                );
            }
            "--env" => {
                let v = value("--env")?;
                let (k, val) = v
                    .split_once('=')
                    .ok_or_else(|| format!("--env wants KEY=VALUE, got `{v}`"))?;
                o.env.push((k.to_string(), val.to_string()));
            }
            "--dir" => {
                let v = value("--dir")?;
                // `HOST::GUEST`, or `HOST` seen by the program under the same name.
                let (host, guest) = v.split_once("::").unwrap_or((&v, &v));
                if host.is_empty() || guest.is_empty() {
                    return Err(format!("--dir wants HOST[::GUEST], got `{v}`"));
                }
                o.dirs.push((host.to_string(), guest.to_string()));
            }
            "--memory-dir" => o.memory_dir = Some(value("--memory-dir")?),
            "--unknown-imports-trap" => o.unknown_imports_trap = true,
            // wasmtime's spelling: `-W unknown-imports-trap[=y|n]`; and `-W gc-zeal[=N]`.
            "-W" => {
                let v = value("-W")?;
                if let Some(n) = v.strip_prefix("gc-zeal=").and_then(|n| n.parse().ok()) {
                    o.gc_zeal = n;
                    continue;
                }
                let (name, on) = match v.split_once('=') {
                    None => (v.as_str(), true),
                    Some((name, "y")) => (name, true),
                    Some((name, "n")) => (name, false),
                    Some(_) => return Err(format!("-W wants NAME[=y|n], got `{v}`")),
                };
                match name {
                    "unknown-imports-trap" => o.unknown_imports_trap = on,
                    "gc-zeal" => o.gc_zeal = on as u32,
                    _ => return Err(format!("unknown -W option `{v}`")),
                }
            }
            "--" => {}
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(format!("unknown option `{s}`"));
            }
            s => {
                o.file = s.to_string();
                let rest: Vec<String> = it.by_ref().cloned().collect();
                // `FILE --invoke NAME ARGS…` (the spec tools' order) is accepted too.
                match rest.as_slice() {
                    [flag, name, args @ ..] if flag == "--invoke" => {
                        o.invoke = Some(name.clone());
                        o.args = args.to_vec();
                    }
                    _ => o.args = rest,
                }
            }
        }
    }
    if o.file.is_empty() {
        return Err("no module file given".into());
    }
    Ok(Some(o))
}

#[cfg(test)]
mod tests {
    use super::*;
    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }
    #[test]
    fn invoke_with_args_after_file() {
        let o = parse(&v(&["--invoke", "fib", "fib.wat", "30"]))
            .unwrap()
            .unwrap();
        assert_eq!(o.file, "fib.wat");
        assert_eq!(o.invoke.as_deref(), Some("fib"));
        assert_eq!(o.args, v(&["30"]));
    }
    #[test]
    fn invoke_may_follow_the_file() {
        let o = parse(&v(&["fib.wat", "--invoke", "fib", "30"]))
            .unwrap()
            .unwrap();
        assert_eq!(o.invoke.as_deref(), Some("fib"));
        assert_eq!(o.args, v(&["30"]));
    }
    #[test]
    fn everything_after_the_file_is_the_programs() {
        let o = parse(&v(&["--env", "A=1", "p.wasm", "-5", "--fuel", "x"]))
            .unwrap()
            .unwrap();
        assert_eq!(o.args, v(&["-5", "--fuel", "x"]));
        assert_eq!(o.env, [("A".to_string(), "1".to_string())]);
        assert_eq!(o.fuel, None);
    }
    #[test]
    fn errors() {
        assert!(parse(&v(&[])).is_err());
        assert!(parse(&v(&["--fuel"])).is_err());
        assert!(parse(&v(&["--bogus", "x.wasm"])).is_err());
        assert!(parse(&v(&["--env", "NOEQUALS", "x.wasm"])).is_err());
        assert_eq!(parse(&v(&["--help"])).unwrap(), None);
        assert!(parse(&v(&["--dir", "::x", "x.wasm"])).is_err());
    }
    #[test]
    fn unknown_imports_trap() {
        let o = parse(&v(&["-W", "unknown-imports-trap", "m.wasm"]))
            .unwrap()
            .unwrap();
        assert!(o.unknown_imports_trap);
        let o = parse(&v(&["--unknown-imports-trap", "m.wasm"]))
            .unwrap()
            .unwrap();
        assert!(o.unknown_imports_trap);
        let o = parse(&v(&["-W", "unknown-imports-trap=n", "m.wasm"]))
            .unwrap()
            .unwrap();
        assert!(!o.unknown_imports_trap);
        assert!(parse(&v(&["-W", "other", "m.wasm"])).is_err());
    }

    #[test]
    fn gc_zeal() {
        let zeal = |w: &str| parse(&v(&["-W", w, "m.wasm"])).map(|o| o.unwrap().gc_zeal);
        assert_eq!(zeal("gc-zeal"), Ok(1));
        assert_eq!(zeal("gc-zeal=64"), Ok(64));
        assert_eq!(zeal("gc-zeal=n"), Ok(0));
        assert!(zeal("gc-zeal=lots").is_err());
    }

    #[test]
    fn dirs() {
        let o = parse(&v(&["--dir", "data", "--dir", "/tmp/w::/work", "p.wasm"]))
            .unwrap()
            .unwrap();
        assert_eq!(
            o.dirs,
            [
                ("data".to_string(), "data".to_string()),
                ("/tmp/w".to_string(), "/work".to_string())
            ]
        );
    }
}
