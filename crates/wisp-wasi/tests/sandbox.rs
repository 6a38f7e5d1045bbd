//! Escape attempts. A program is given `sandbox/` of a host directory that also holds
//! `outside/secret.txt`; it tries every way out we could think of: `..`, absolute paths,
//! symbolic links planted by the host and made by the program, a stale directory
//! descriptor whose directory was swapped for a link, and every path-taking function.
//! Each attempt must fail with `ENOTCAPABLE` (or `EPERM`), and afterwards the tree outside
//! the sandbox must be exactly as it was.

mod guest;

use guest::*;
use std::path::{Path, PathBuf};
use wisp::Val;
use wisp_wasi::WasiCtx;

const SECRET: &[u8] = b"top secret";
const DIR: u32 = 3;

struct Tree(PathBuf);

impl Tree {
    fn new(tag: &str) -> Tree {
        let root = std::env::temp_dir().join(format!("wisp-escape-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("outside")).unwrap();
        std::fs::create_dir_all(root.join("sandbox/sub/inner")).unwrap();
        std::fs::write(root.join("outside/secret.txt"), SECRET).unwrap();
        std::fs::write(root.join("sandbox/file.txt"), b"inside").unwrap();
        let link = |target: &Path, at: &str| {
            std::os::unix::fs::symlink(target, root.join("sandbox").join(at)).unwrap()
        };
        link(Path::new("../outside"), "link_up");
        link(&root.join("outside"), "link_abs");
        link(Path::new("sub/../../outside"), "link_deep");
        link(Path::new("link_up"), "link_chain");
        link(Path::new("../sandbox/file.txt"), "link_out_and_back");
        link(Path::new("../../outside/secret.txt"), "sub/secret_link");
        link(Path::new("sub/inner"), "link_ok");
        Tree(root)
    }

    fn guest(&self) -> Guest {
        let ctx = WasiCtx::builder()
            .preopen_host_dir(self.0.join("sandbox"), "/sandbox")
            .unwrap()
            .build();
        Guest::new(ctx)
    }

    /// The outside is untouched: the same names, the same secret.
    fn check_outside(&self) {
        let names = |p: PathBuf| {
            let mut v: Vec<String> = std::fs::read_dir(p)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names(self.0.clone()), ["outside", "sandbox"]);
        assert_eq!(names(self.0.join("outside")), ["secret.txt"]);
        assert_eq!(
            std::fs::read(self.0.join("outside/secret.txt")).unwrap(),
            SECRET
        );
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn refused(e: i32, what: &str) {
    assert!(
        e == ENOTCAPABLE || e == EPERM,
        "{what}: expected ENOTCAPABLE or EPERM, got errno {e}"
    );
}

/// Paths that lead outside, each tried with every path-taking function.
fn escapes(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = [
        "..",
        "../",
        "../.",
        "./..",
        "../outside",
        "../outside/secret.txt",
        "./../outside/secret.txt",
        "sub/../../outside/secret.txt",
        "sub/inner/../../../outside/secret.txt",
        "sub/./inner/./../.././../outside/secret.txt",
        "/",
        "/etc/passwd",
        "//outside",
        "link_up",
        "link_up/",
        "link_up/secret.txt",
        "link_abs/secret.txt",
        "link_deep/secret.txt",
        "link_chain/secret.txt",
        "link_out_and_back",
        "sub/secret_link",
        "link_ok/../../../outside/secret.txt",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(
        root.join("outside/secret.txt")
            .to_str()
            .unwrap()
            .to_string(),
    );
    v
}

#[test]
fn no_path_leads_outside() {
    let tree = Tree::new("paths");
    let mut g = tree.guest();
    for p in escapes(&tree.0) {
        refused(g.open(DIR, &p, 0).err().unwrap_or(0), &format!("open {p}"));
        refused(
            g.open(DIR, &p, CREAT).err().unwrap_or(0),
            &format!("create {p}"),
        );
        refused(
            g.open(DIR, &p, DIRECTORY).err().unwrap_or(0),
            &format!("opendir {p}"),
        );
        refused(
            g.stat(DIR, &p, FOLLOW).err().unwrap_or(0),
            &format!("stat {p}"),
        );
        refused(g.mkdir(DIR, &format!("{p}/new")), &format!("mkdir {p}/new"));
        refused(g.unlink(DIR, &format!("{p}/x")), &format!("unlink {p}/x"));
        refused(g.rmdir(DIR, &format!("{p}/x")), &format!("rmdir {p}/x"));
        refused(
            g.rename(DIR, "file.txt", DIR, &format!("{p}/stolen")),
            &format!("rename into {p}"),
        );
        refused(
            g.rename(DIR, &format!("{p}/x"), DIR, "taken"),
            &format!("rename out of {p}"),
        );
        refused(
            g.link(DIR, FOLLOW, &p, DIR, "hard"),
            &format!("link from {p}"),
        );
        refused(
            g.link(DIR, 0, "file.txt", DIR, &format!("{p}/hard")),
            &format!("link into {p}"),
        );
        refused(
            g.symlink("file.txt", DIR, &format!("{p}/planted")),
            &format!("symlink in {p}"),
        );
        refused(
            g.readlink(DIR, &format!("{p}/x"), 64).err().unwrap_or(0),
            &format!("readlink {p}/x"),
        );
        let (pp, pl) = g.path(&p);
        let e = g.call(
            "path_filestat_set_times",
            &[
                Val::I32(3),
                Val::I32(FOLLOW),
                pp,
                pl,
                Val::I64(0),
                Val::I64(0),
                Val::I32(1 | 4),
            ],
        );
        refused(e, &format!("set times {p}"));
    }
    tree.check_outside();
    // The way in still works: the sandbox was not simply closed.
    let fd = g.open(DIR, "link_ok/../../file.txt", 0).unwrap();
    assert_eq!(g.read(fd, 100).unwrap(), b"inside");
    // Reading a link's text is allowed; following it is not.
    assert_eq!(g.readlink(DIR, "link_up", 64), Ok("../outside".into()));
}

#[test]
fn a_directory_descriptor_is_its_own_boundary() {
    let tree = Tree::new("subdir");
    let mut g = tree.guest();
    let sub = g.open(DIR, "sub", DIRECTORY).unwrap();
    assert_eq!(g.stat(sub, "inner", 0).unwrap().filetype, guest::DIR);
    for p in [
        "..",
        "../file.txt",
        "inner/../..",
        "../../outside/secret.txt",
    ] {
        refused(g.open(sub, p, 0).err().unwrap_or(0), p);
    }
    refused(g.open(sub, "secret_link", 0).err().unwrap_or(0), "link");
    tree.check_outside();
}

#[test]
fn links_the_program_makes_do_not_lead_out() {
    let tree = Tree::new("planted");
    let mut g = tree.guest();
    // Making a relative link is allowed (the text is only text) ...
    assert_eq!(g.symlink("../outside", DIR, "evil"), 0);
    // An absolute target is refused outright.
    refused(g.symlink("/etc", DIR, "evil_abs"), "absolute symlink");
    std::os::unix::fs::symlink("/etc", tree.0.join("sandbox/evil_abs")).unwrap();
    assert_eq!(
        g.symlink("sub/../../outside/secret.txt", DIR, "evil_file"),
        0
    );
    // ... following it is not.
    for p in ["evil/secret.txt", "evil_abs/passwd", "evil_file", "evil/"] {
        refused(g.open(DIR, p, 0).err().unwrap_or(0), p);
        refused(g.stat(DIR, p, FOLLOW).err().unwrap_or(0), p);
    }
    refused(g.link(DIR, FOLLOW, "evil_file", DIR, "h"), "link through");
    let fd = g.open(DIR, "evil_file", CREAT | TRUNC).err().unwrap_or(0);
    refused(fd, "truncate through a link");
    tree.check_outside();
}

#[test]
fn a_stale_descriptor_cannot_follow_a_swapped_directory() {
    let tree = Tree::new("swap");
    let mut g = tree.guest();
    let sub = g.open(DIR, "sub", DIRECTORY).unwrap();
    // The program moves the directory away and puts a link to the outside in its place.
    assert_eq!(g.rename(DIR, "sub", DIR, "moved"), 0);
    assert_eq!(g.symlink("../outside", DIR, "sub"), 0);
    refused(
        g.open(sub, "secret.txt", 0).err().unwrap_or(0),
        "stale open",
    );
    refused(
        g.stat(sub, "secret.txt", 0).err().unwrap_or(0),
        "stale stat",
    );
    refused(g.unlink(sub, "secret.txt"), "stale unlink");
    refused(g.readdir(sub, 4096).err().unwrap_or(0), "stale readdir");
    // The host does the same behind the program's back.
    let sub2 = g.open(DIR, "moved/inner", DIRECTORY).unwrap();
    std::fs::rename(tree.0.join("sandbox/moved"), tree.0.join("sandbox/gone")).unwrap();
    std::fs::create_dir(tree.0.join("sandbox/moved")).unwrap();
    std::os::unix::fs::symlink("../../outside", tree.0.join("sandbox/moved/inner")).unwrap();
    refused(
        g.open(sub2, "secret.txt", 0).err().unwrap_or(0),
        "host swap",
    );
    tree.check_outside();
}

#[test]
fn malformed_paths_are_errors() {
    let tree = Tree::new("garbage");
    let mut g = tree.guest();
    assert_eq!(g.open(DIR, "file.txt\0../../outside", 0), Err(25), "EILSEQ");
    assert_eq!(g.open(DIR, "", 0), Err(ENOENT));
    let long = "a/..".repeat(2000);
    assert_eq!(g.open(DIR, &long, 0), Err(ENAMETOOLONG));
    // A path that runs past the end of memory.
    let out = g.room(4);
    let e = g.call(
        "path_open",
        &[
            Val::I32(3),
            Val::I32(0),
            Val::I32(0x3_fff0),
            Val::I32(0x100),
            Val::I32(0),
            Val::I64(ALL),
            Val::I64(ALL),
            Val::I32(0),
            Val::I32(out),
        ],
    );
    assert_eq!(e, EFAULT);
    // A link loop that also points outward ends in ELOOP or a refusal, never a hang.
    assert_eq!(g.symlink("loop2/../..", DIR, "loop1"), 0);
    assert_eq!(g.symlink("loop1", DIR, "loop2"), 0);
    let e = g.open(DIR, "loop1", 0).unwrap_err();
    assert!(e == ELOOP || e == ENOTCAPABLE, "errno {e}");
    tree.check_outside();
}
