//! Real programs, compiled from Rust (wasm32-wasip1) and C (wasi-libc) by
//! `cargo xtask fixtures` and committed under `tests/fixtures/`: a grep over a preopened
//! directory, cat, a text adventure driven through stdin, and two self-checking
//! filesystem exercisers (one through Rust's `std::fs`, one through POSIX calls in C).
//! Each runs on the in-memory filesystem and on a host directory.

mod guest;

use guest::{fixture, Pipe};
use std::path::{Path, PathBuf};
use wisp_wasi::{HostClock, HostRandom, MemFs, WasiCtx, WasiCtxBuilder};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/data")
}

struct Outcome {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs `program` with `args` (after argv[0]) and `stdin`, in a context `ctx` has
/// prepared with directories.
fn run(program: &str, args: &[&str], stdin: &[u8], ctx: WasiCtxBuilder) -> Outcome {
    let (out, err) = (Pipe::default(), Pipe::default());
    let ctx = ctx
        .arg(program)
        .args(args.iter().copied())
        .stdin(Pipe::with_input(stdin))
        .stdout(out.clone())
        .stderr(err.clone())
        .build();
    let status = guest::run_program(program, ctx);
    Outcome {
        status,
        stdout: out.text(),
        stderr: err.text(),
    }
}

/// A copy of a host tree in memory.
fn mem_copy(host: &Path) -> MemFs {
    fn walk(fs: &MemFs, host: &Path, at: &str) {
        for entry in std::fs::read_dir(host).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{at}/{}", entry.file_name().to_str().unwrap());
            if entry.file_type().unwrap().is_dir() {
                fs.create_dir_all(&name).unwrap();
                walk(fs, &entry.path(), &name);
            } else {
                fs.write_file(&name, &std::fs::read(entry.path()).unwrap())
                    .unwrap();
            }
        }
    }
    let fs = MemFs::new();
    walk(&fs, host, "");
    fs
}

/// The grep cases, on whichever filesystem `data` preopens as `/data`.
fn grep_cases(data: impl Fn() -> WasiCtxBuilder) {
    let r = run("grep", &["-rin", "fox", "/data"], b"", data());
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "/data/notes/ideas.md:3:- teach the FOX to fetch\n\
         /data/notes/todo.txt:2:feed the fox\n\
         /data/poem.txt:1:The quick brown fox\n\
         /data/poem.txt:3:A Fox is clever;\n\
         /data/poem.txt:4:foxes hide in the wood.\n"
    );
    let r = run("grep", &["-r", "-c", "-i", "wisp", "/data"], b"", data());
    assert_eq!(
        (r.status, r.stdout.as_str()),
        (
            0,
            "/data/notes/deep/nested.txt:0\n/data/notes/ideas.md:1\n\
             /data/notes/todo.txt:1\n/data/poem.txt:0\n"
        )
    );
    let r = run("grep", &["zebra", "/data/poem.txt"], b"", data());
    assert_eq!((r.status, r.stdout.as_str()), (1, ""));
    let r = run("grep", &["fox", "/data/missing.txt"], b"", data());
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "grep: /data/missing.txt: No such file or directory\n"
    );
    let r = run("grep", &["fox", "/data/notes"], b"", data());
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (2, "grep: /data/notes: Is a directory\n")
    );
    // The program asks for the parent of its directory, and is refused.
    let r = run("grep", &["-r", "fox", "/data/.."], b"", data());
    assert_eq!(r.status, 2);
    assert_eq!(r.stderr, "grep: /data/..: Capabilities insufficient\n");
}

#[test]
fn grep_over_a_host_directory() {
    grep_cases(|| {
        WasiCtx::builder()
            .preopen_host_dir(data_dir(), "/data")
            .unwrap()
    });
}

#[test]
fn grep_over_memory() {
    let fs = mem_copy(&data_dir());
    grep_cases(|| WasiCtx::builder().preopen(fs.clone(), "/data"));
}

#[test]
fn grep_and_cat_over_stdin() {
    let r = run(
        "grep",
        &["-in", "fox"],
        b"one fox\ntwo\nFOX three\n",
        WasiCtx::builder(),
    );
    assert_eq!(
        (r.status, r.stdout.as_str()),
        (0, "1:one fox\n3:FOX three\n")
    );
    let r = run("cat", &[], b"through\nthe pipe\n", WasiCtx::builder());
    assert_eq!((r.status, r.stdout.as_str()), (0, "through\nthe pipe\n"));
    let fs = mem_copy(&data_dir());
    let ctx = WasiCtx::builder().preopen(fs, "/data");
    let r = run("cat", &["/data/notes/todo.txt", "/data/nope"], b"", ctx);
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stdout,
        std::fs::read_to_string(data_dir().join("notes/todo.txt")).unwrap()
    );
    assert_eq!(r.stderr, "cat: /data/nope: No such file or directory\n");
}

#[test]
fn text_adventure_through_stdin_saves_its_game() {
    let walkthrough = fixture("c/adventure.walkthrough");
    let expected = String::from_utf8(fixture("c/adventure.expected")).unwrap();
    let fs = MemFs::new();
    let r = run(
        "adventure",
        &[],
        &walkthrough,
        WasiCtx::builder().preopen(fs.clone(), "."),
    );
    assert_eq!(r.status, 0);
    assert_eq!(r.stdout, expected);
    assert!(r.stdout.contains("You win!"));
    let saved = fs.read_file("save.txt").expect("the game saved itself");
    assert!(!saved.is_empty());
    // A new run loads that game: the saved inventory holds the key.
    let r = run(
        "adventure",
        &[],
        b"load\ninventory\nquit\n",
        WasiCtx::builder().preopen(fs.clone(), "."),
    );
    assert_eq!(r.status, 0);
    assert!(r.stdout.to_lowercase().contains("key"), "{}", r.stdout);
    // Without a directory, saving fails politely.
    let r = run("adventure", &[], b"save\nquit\n", WasiCtx::builder());
    assert!(
        r.stdout.contains("Could not save the game."),
        "{}",
        r.stdout
    );
}

/// Runs a self-checking exerciser in `/sandbox`; every check must pass.
fn exerciser(program: &str, checks: usize, ctx: WasiCtxBuilder) {
    // The C program also checks clocks, sleeping and randomness.
    let ctx = ctx.clock(HostClock::new()).random(HostRandom::new());
    let r = run(program, &["/sandbox"], b"", ctx);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let failed: Vec<&&str> = lines.iter().filter(|l| !l.starts_with("ok ")).collect();
    assert_eq!(r.status, 0, "{program}: {failed:?}\n{}", r.stderr);
    assert_eq!(
        lines.last().copied(),
        Some(format!("{program}: {checks} passed, 0 failed").as_str())
    );
    assert_eq!(lines.len(), checks + 1);
    // The escape checks must have been refused by the sandbox itself.
    for l in lines
        .iter()
        .filter(|l| l.contains("escape") && l.contains('('))
    {
        assert!(
            l.ends_with("(ENOTCAPABLE)") || l.ends_with("(EPERM)"),
            "{l}"
        );
    }
}

fn host_sandbox(tag: &str) -> (PathBuf, WasiCtxBuilder) {
    let root = std::env::temp_dir().join(format!("wisp-prog-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("sandbox")).unwrap();
    std::fs::write(root.join("outside"), b"keep out").unwrap();
    let ctx = WasiCtx::builder()
        .preopen_host_dir(root.join("sandbox"), "/sandbox")
        .unwrap();
    (root, ctx)
}

fn on_host(program: &str, checks: usize) {
    let (root, ctx) = host_sandbox(program);
    exerciser(program, checks, ctx);
    assert_eq!(std::fs::read(root.join("outside")).unwrap(), b"keep out");
    let names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "nothing new beside the sandbox: {names:?}");
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn rust_std_fs_on_a_host_directory() {
    on_host("fsops", 20);
}

#[test]
fn rust_std_fs_in_memory() {
    exerciser(
        "fsops",
        20,
        WasiCtx::builder().preopen(MemFs::new(), "/sandbox"),
    );
}

#[test]
fn c_posix_calls_on_a_host_directory() {
    on_host("posix", 33);
}

#[test]
fn c_posix_calls_in_memory() {
    exerciser(
        "posix",
        33,
        WasiCtx::builder().preopen(MemFs::new(), "/sandbox"),
    );
}
