//! Command-line parsing (small enough that a parser crate would cost more than it saves).

/// What `wisp FILE …` was asked to do.
#[derive(Debug, Default, PartialEq)]
pub struct Options {
    pub file: String,
    pub invoke: Option<String>,
    pub args: Vec<String>,
    pub fuel: Option<u64>,
    pub max_call_depth: Option<usize>,
}

/// `Ok(None)` means help was asked for.
pub fn parse(argv: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options::default();
    let mut it = argv.iter();
    let mut file = None;
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
            // Everything after the file belongs to the program, except our own flags
            // before it; `--` ends option parsing.
            "--" => {
                o.args.extend(it.by_ref().cloned());
            }
            s if s.starts_with('-') && file.is_none() && s.parse::<f64>().is_err() => {
                return Err(format!("unknown option `{s}`"));
            }
            s if file.is_none() => file = Some(s.to_string()),
            s => o.args.push(s.to_string()),
        }
    }
    o.file = file.ok_or("no module file given")?;
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
        let o = parse(&v(&["fib.wat", "--invoke", "fib", "30"]))
            .unwrap()
            .unwrap();
        assert_eq!(o.file, "fib.wat");
        assert_eq!(o.invoke.as_deref(), Some("fib"));
        assert_eq!(o.args, v(&["30"]));
    }
    #[test]
    fn negative_numbers_are_arguments() {
        let o = parse(&v(&["--invoke", "f", "m.wasm", "-5"]))
            .unwrap()
            .unwrap();
        assert_eq!(o.args, v(&["-5"]));
    }
    #[test]
    fn errors() {
        assert!(parse(&v(&[])).is_err());
        assert!(parse(&v(&["--fuel"])).is_err());
        assert!(parse(&v(&["--bogus", "x.wasm"])).is_err());
        assert_eq!(parse(&v(&["--help"])).unwrap(), None);
    }
}
