//! The filesystem functions, each called directly with exact arguments, on both backends:
//! the in-memory filesystem and a real host directory. Every check runs on each, so the
//! two answer alike.

mod guest;

use guest::*;
use wisp::Val;
use wisp_wasi::{MemFs, WasiCtx};

both!(
    preopens_are_named,
    write_read_seek,
    append_pwrite_pread,
    open_flags,
    directories_and_readdir,
    rename_rules,
    hard_and_symbolic_links,
    timestamps,
    size_allocate_sync_advise,
    rights_are_enforced_and_inherited,
    descriptor_table,
);

const DIR: u32 = 3;

fn preopens_are_named(g: &mut Guest) {
    assert_eq!(g.prestat(DIR), Ok("/sandbox".into()));
    assert_eq!(g.prestat(4), Err(EBADF));
    assert_eq!(g.prestat(1), Err(EBADF), "a stream is no preopen");
    let buf = g.room(4);
    let short = g.call(
        "fd_prestat_dir_name",
        &[Val::I32(3), Val::I32(buf), Val::I32(4)],
    );
    assert_eq!(short, ENAMETOOLONG);
    assert_eq!(g.fdstat(DIR).unwrap().0, guest::DIR);
    assert_eq!(g.fstat(DIR).unwrap().filetype, guest::DIR);
    // A file opened from the preopen is no preopen itself.
    let fd = g.open(DIR, "f", CREAT).unwrap();
    assert_eq!(g.prestat(fd), Err(EBADF));
}

fn write_read_seek(g: &mut Guest) {
    let fd = g.open(DIR, "a.txt", CREAT).unwrap();
    assert_eq!(g.write(fd, b"hello world"), Ok(11));
    assert_eq!(g.seek(fd, 0, 0), Ok(0));
    assert_eq!(g.read(fd, 5).unwrap(), b"hello");
    let out = g.room(8);
    assert_eq!(
        g.call_keep("fd_tell", &[Val::I32(fd as i32), Val::I32(out)]),
        0
    );
    assert_eq!(g.u64_at(out), 5);
    assert_eq!(g.seek(fd, -5, 2), Ok(6));
    assert_eq!(g.read(fd, 100).unwrap(), b"world");
    assert_eq!(g.read(fd, 100).unwrap(), b"", "end of file");
    assert_eq!(g.seek(fd, -1, 0), Err(EINVAL));
    assert_eq!(g.seek(fd, 0, 3), Err(EINVAL));
    // Writing past the end leaves a hole of zeros.
    assert_eq!(g.seek(fd, 14, 0), Ok(14));
    assert_eq!(g.write(fd, b"!"), Ok(1));
    let st = g.fstat(fd).unwrap();
    assert_eq!((st.filetype, st.size), (REGULAR_FILE, 15));
    assert_eq!(g.pread(fd, 10, 9).unwrap(), b"ld\0\0\0!");
    assert_eq!(g.close(fd), 0);
    assert_eq!(g.read(fd, 1), Err(EBADF));
    // Reopened, the contents are there.
    let fd = g.open(DIR, "a.txt", 0).unwrap();
    assert_eq!(g.read(fd, 5).unwrap(), b"hello");
}

fn append_pwrite_pread(g: &mut Guest) {
    let fd = g.open_with(DIR, 0, "log", CREAT, ALL, APPEND).unwrap();
    assert_eq!(g.fdstat(fd).unwrap().1, APPEND as u16);
    g.write(fd, b"ab").unwrap();
    g.seek(fd, 0, 0).unwrap();
    g.write(fd, b"cd").unwrap();
    assert_eq!(
        g.pread(fd, 10, 0).unwrap(),
        b"abcd",
        "O_APPEND writes at the end"
    );
    assert_eq!(g.seek(fd, 0, 1), Ok(4));
    // fd_pwrite writes where it is told, O_APPEND or not, and leaves the position alone.
    assert_eq!(g.pwrite(fd, b"XY", 1), Ok(2));
    assert_eq!(g.pread(fd, 10, 0).unwrap(), b"aXYd");
    assert_eq!(g.seek(fd, 0, 1), Ok(4));
    // Clearing the flag makes writes land at the position again.
    let e = g.call("fd_fdstat_set_flags", &[Val::I32(fd as i32), Val::I32(0)]);
    assert_eq!(e, 0);
    g.seek(fd, 0, 0).unwrap();
    g.write(fd, b"Z").unwrap();
    assert_eq!(g.pread(fd, 10, 0).unwrap(), b"ZXYd");
    let bad = g.call("fd_fdstat_set_flags", &[Val::I32(fd as i32), Val::I32(64)]);
    assert_eq!(bad, EINVAL);
    // Streams have no positions.
    assert_eq!(g.pwrite(1, b"x", 0), Err(ESPIPE));
}

fn open_flags(g: &mut Guest) {
    let fd = g.open(DIR, "f", CREAT).unwrap();
    g.write(fd, b"data").unwrap();
    assert_eq!(g.open(DIR, "f", CREAT | EXCL), Err(EEXIST));
    assert_eq!(g.open(DIR, "f", DIRECTORY), Err(ENOTDIR));
    assert_eq!(g.open(DIR, "f/", 0), Err(ENOTDIR));
    assert_eq!(g.open(DIR, "missing", 0), Err(ENOENT));
    assert_eq!(g.open(DIR, "missing/x", CREAT), Err(ENOENT));
    assert_eq!(g.open(DIR, "", 0), Err(ENOENT));
    assert_eq!(g.mkdir(DIR, "d"), 0);
    assert_eq!(g.open(DIR, "d", CREAT | EXCL), Err(EEXIST));
    assert_eq!(g.open(DIR, "d", TRUNC), Err(EISDIR));
    assert_eq!(
        g.open_with(DIR, 0, "d", 0, RIGHT_FD_READ | RIGHT_FD_WRITE, 0),
        Err(EISDIR)
    );
    let d = g.open(DIR, "d", DIRECTORY).unwrap();
    assert_eq!(g.fdstat(d).unwrap().0, guest::DIR);
    let d2 = g.open_with(DIR, 0, "d/.", 0, RIGHT_FD_READ, 0).unwrap();
    assert_eq!(g.fdstat(d2).unwrap().0, guest::DIR);
    // Truncation empties the file.
    let t = g.open(DIR, "f", TRUNC).unwrap();
    assert_eq!(g.fstat(t).unwrap().size, 0);
    // A path through the opened directory.
    let inner = g.open(d, "inner", CREAT).unwrap();
    g.write(inner, b"x").unwrap();
    assert_eq!(g.stat(DIR, "d/inner", 0).unwrap().size, 1);
    // Bad oflags and fdflags bits.
    assert_eq!(g.open(DIR, "f", 16), Err(EINVAL));
    assert_eq!(g.open_with(DIR, 0, "f", 0, ALL, 32), Err(EINVAL));
    // A path that is not UTF-8 cannot name anything.
    let at = g.put(&[0xff]);
    let p = Val::I32(at);
    let out = g.room(4);
    let e = g.call(
        "path_open",
        &[
            Val::I32(3),
            Val::I32(0),
            p,
            Val::I32(1),
            Val::I32(0),
            Val::I64(ALL),
            Val::I64(ALL),
            Val::I32(0),
            Val::I32(out),
        ],
    );
    assert_eq!(e, 25, "EILSEQ");
}

fn directories_and_readdir(g: &mut Guest) {
    assert_eq!(g.mkdir(DIR, "d"), 0);
    assert_eq!(g.mkdir(DIR, "d"), EEXIST);
    assert_eq!(g.mkdir(DIR, "x/y"), ENOENT);
    assert_eq!(
        g.mkdir(DIR, "d/sub/"),
        0,
        "a trailing slash names a directory"
    );
    for name in ["d/b.txt", "d/a.txt", "d/c-longer-name.txt"] {
        let fd = g.open(DIR, name, CREAT).unwrap();
        g.close(fd);
    }
    let d = g.open(DIR, "d", DIRECTORY).unwrap();
    let expect: Vec<(String, u8)> = [
        (".", guest::DIR),
        ("..", guest::DIR),
        ("a.txt", REGULAR_FILE),
        ("b.txt", REGULAR_FILE),
        ("c-longer-name.txt", REGULAR_FILE),
        ("sub", guest::DIR),
    ]
    .iter()
    .map(|(n, t)| (n.to_string(), *t))
    .collect();
    assert_eq!(g.readdir(d, 4096).unwrap(), expect);
    // A buffer smaller than two records: each call returns a cut record and resumes.
    assert_eq!(g.readdir(d, 45).unwrap(), expect);
    let f = g.open(DIR, "d/a.txt", 0).unwrap();
    assert!(g.readdir(f, 100).is_err(), "a file has no entries");
    assert_eq!(g.rmdir(DIR, "d"), ENOTEMPTY);
    assert_eq!(g.rmdir(DIR, "d/a.txt"), ENOTDIR);
    assert_eq!(g.unlink(DIR, "d/sub"), EISDIR);
    assert_eq!(g.unlink(DIR, "d/a.txt/"), ENOTDIR);
    assert_eq!(g.rmdir(DIR, "."), EINVAL);
    assert_eq!(g.rmdir(d, "."), EINVAL);
    assert_eq!(g.rmdir(DIR, "d/sub"), 0);
    for name in ["d/a.txt", "d/b.txt", "d/c-longer-name.txt"] {
        assert_eq!(g.unlink(DIR, name), 0, "{name}");
    }
    assert_eq!(g.unlink(DIR, "d/a.txt"), ENOENT);
    assert_eq!(g.readdir(d, 4096).unwrap().len(), 2, "only . and ..");
    assert_eq!(g.rmdir(DIR, "d"), 0);
    assert_eq!(g.stat(DIR, "d", 0), Err(ENOENT));
}

fn rename_rules(g: &mut Guest) {
    for f in ["a", "b"] {
        let fd = g.open(DIR, f, CREAT).unwrap();
        g.write(fd, f.as_bytes()).unwrap();
    }
    assert_eq!(g.mkdir(DIR, "d"), 0);
    assert_eq!(g.mkdir(DIR, "full"), 0);
    g.open(DIR, "full/x", CREAT).unwrap();
    assert_eq!(g.rename(DIR, "a", DIR, "c"), 0);
    assert_eq!(g.stat(DIR, "a", 0), Err(ENOENT));
    assert_eq!(g.rename(DIR, "c", DIR, "b"), 0, "a file replaces a file");
    let fd = g.open(DIR, "b", 0).unwrap();
    assert_eq!(g.read(fd, 9).unwrap(), b"a");
    assert_eq!(g.rename(DIR, "b", DIR, "d"), EISDIR);
    assert_eq!(g.rename(DIR, "d", DIR, "b"), ENOTDIR);
    assert_eq!(g.rename(DIR, "d", DIR, "full"), ENOTEMPTY);
    assert_eq!(g.rename(DIR, "d", DIR, "d/inside"), EINVAL);
    assert_eq!(g.rename(DIR, "nothing", DIR, "z"), ENOENT);
    assert_eq!(g.rename(DIR, "b", DIR, "d/b"), 0, "into a subdirectory");
    assert_eq!(g.rename(DIR, "d", DIR, "e"), 0, "a directory moves whole");
    assert_eq!(g.stat(DIR, "e/b", 0).unwrap().size, 1);
    let e = g.open(DIR, "e", DIRECTORY).unwrap();
    assert_eq!(
        g.rename(e, "b", DIR, "top"),
        0,
        "between two directory descriptors"
    );
    assert_eq!(g.rename(e, ".", DIR, "moved"), EBUSY);
}

fn hard_and_symbolic_links(g: &mut Guest) {
    let fd = g.open(DIR, "file", CREAT).unwrap();
    g.write(fd, b"content").unwrap();
    assert_eq!(g.link(DIR, 0, "file", DIR, "hard"), 0);
    let (a, b) = (
        g.stat(DIR, "file", 0).unwrap(),
        g.stat(DIR, "hard", 0).unwrap(),
    );
    assert_eq!((a.ino, a.nlink), (b.ino, 2));
    assert_eq!(g.link(DIR, 0, "file", DIR, "hard"), EEXIST);
    g.mkdir(DIR, "dir");
    assert_eq!(g.link(DIR, 0, "dir", DIR, "dirlink"), EPERM);
    assert_eq!(g.link(DIR, 0, "none", DIR, "x"), ENOENT);
    assert_eq!(g.symlink("file", DIR, "soft"), 0);
    assert_eq!(g.symlink("file", DIR, "soft"), EEXIST);
    assert_eq!(g.readlink(DIR, "soft", 64), Ok("file".into()));
    assert_eq!(
        g.readlink(DIR, "soft", 3),
        Ok("fil".into()),
        "cut to the buffer"
    );
    assert_eq!(g.readlink(DIR, "file", 64), Err(EINVAL));
    assert_eq!(g.stat(DIR, "soft", 0).unwrap().filetype, SYMLINK);
    assert_eq!(g.stat(DIR, "soft", FOLLOW).unwrap().filetype, REGULAR_FILE);
    let via = g.open(DIR, "soft", 0).unwrap();
    assert_eq!(g.read(via, 100).unwrap(), b"content");
    assert_eq!(
        g.open_with(DIR, 0, "soft", 0, ALL, 0),
        Err(ELOOP),
        "O_NOFOLLOW"
    );
    // Links to links, relative to the link's own directory.
    assert_eq!(g.symlink("../file", DIR, "dir/up"), 0);
    let up = g.open(DIR, "dir/up", 0).unwrap();
    assert_eq!(g.read(up, 100).unwrap(), b"content");
    assert_eq!(g.symlink("dir", DIR, "dirsoft"), 0);
    assert_eq!(g.stat(DIR, "dirsoft/up", FOLLOW).unwrap().size, 7);
    assert_eq!(g.stat(DIR, "dirsoft/", 0).unwrap().filetype, guest::DIR);
    // A hard link through a followed symlink links the target.
    assert_eq!(g.link(DIR, FOLLOW, "soft", DIR, "hard2"), 0);
    assert_eq!(g.stat(DIR, "hard2", 0).unwrap().nlink, 3);
    // Loops end.
    assert_eq!(g.symlink("l2", DIR, "l1"), 0);
    assert_eq!(g.symlink("l1", DIR, "l2"), 0);
    assert_eq!(g.open(DIR, "l1", 0), Err(ELOOP));
    assert_eq!(g.stat(DIR, "l1/x", 0), Err(ELOOP));
    // Removing a link leaves its target; removing a name leaves the other names.
    assert_eq!(g.unlink(DIR, "soft"), 0);
    assert_eq!(g.unlink(DIR, "file"), 0);
    assert_eq!(g.stat(DIR, "hard", 0).unwrap().nlink, 2);
    // A dangling link: following fails, but creating through it makes the target.
    assert_eq!(g.symlink("target", DIR, "dangling"), 0);
    assert_eq!(g.stat(DIR, "dangling", FOLLOW), Err(ENOENT));
    assert!(g.open(DIR, "dangling", CREAT).is_ok());
    assert_eq!(g.stat(DIR, "target", 0).unwrap().filetype, REGULAR_FILE);
    assert_eq!(g.symlink("", DIR, "empty"), ENOENT);
}

fn timestamps(g: &mut Guest) {
    let fd = g.open(DIR, "t", CREAT).unwrap();
    let set = |g: &mut Guest, a: i64, m: i64, flags: i32| {
        g.call(
            "fd_filestat_set_times",
            &[
                Val::I32(fd as i32),
                Val::I64(a),
                Val::I64(m),
                Val::I32(flags),
            ],
        )
    };
    assert_eq!(set(g, 1_000_000_000, 2_000_000_000, 1 | 4), 0);
    let st = g.fstat(fd).unwrap();
    assert_eq!((st.atim, st.mtim), (1_000_000_000, 2_000_000_000));
    // Only the modification time, from the context's clock.
    assert_eq!(set(g, 0, 0, 8), 0);
    let st = g.fstat(fd).unwrap();
    assert_eq!((st.atim, st.mtim), (1_000_000_000, NOW));
    assert_eq!(set(g, 0, 0, 1 | 2), EINVAL, "ATIM with ATIM_NOW");
    assert_eq!(set(g, 0, 0, 4 | 8), EINVAL, "MTIM with MTIM_NOW");
    assert_eq!(set(g, 0, 0, 16), EINVAL);
    let (p, l) = g.path("t");
    let by_path = g.call(
        "path_filestat_set_times",
        &[
            Val::I32(3),
            Val::I32(0),
            p,
            l,
            Val::I64(5_000_000_000),
            Val::I64(6_000_000_000),
            Val::I32(1 | 4),
        ],
    );
    assert_eq!(by_path, 0);
    let st = g.stat(DIR, "t", 0).unwrap();
    assert_eq!((st.atim, st.mtim), (5_000_000_000, 6_000_000_000));
    // A directory descriptor's times.
    let e = g.call(
        "fd_filestat_set_times",
        &[
            Val::I32(3),
            Val::I64(0),
            Val::I64(7_000_000_000),
            Val::I32(4),
        ],
    );
    assert_eq!(e, 0);
    assert_eq!(g.fstat(DIR).unwrap().mtim, 7_000_000_000);
}

fn size_allocate_sync_advise(g: &mut Guest) {
    let fd = g.open(DIR, "s", CREAT).unwrap();
    g.write(fd, b"abcdef").unwrap();
    let fdv = Val::I32(fd as i32);
    assert_eq!(g.call("fd_filestat_set_size", &[fdv, Val::I64(3)]), 0);
    assert_eq!(g.pread(fd, 10, 0).unwrap(), b"abc");
    assert_eq!(g.call("fd_filestat_set_size", &[fdv, Val::I64(5)]), 0);
    assert_eq!(g.pread(fd, 10, 0).unwrap(), b"abc\0\0");
    let alloc = |g: &mut Guest, off: i64, len: i64| {
        g.call(
            "fd_allocate",
            &[Val::I32(fd as i32), Val::I64(off), Val::I64(len)],
        )
    };
    assert_eq!(alloc(g, 0, 2), 0);
    assert_eq!(
        g.fstat(fd).unwrap().size,
        5,
        "allocation inside the file changes nothing"
    );
    assert_eq!(alloc(g, 10, 90), 0);
    assert_eq!(g.fstat(fd).unwrap().size, 100);
    assert_eq!(g.call("fd_sync", &[fdv]), 0);
    assert_eq!(g.call("fd_datasync", &[fdv]), 0);
    assert_eq!(g.call("fd_sync", &[Val::I32(3)]), 0, "a directory syncs");
    let advise = |g: &mut Guest, advice: i32| {
        g.call(
            "fd_advise",
            &[
                Val::I32(fd as i32),
                Val::I64(0),
                Val::I64(100),
                Val::I32(advice),
            ],
        )
    };
    assert_eq!(advise(g, 2), 0);
    assert_eq!(advise(g, 9), EINVAL);
    // Streams answer like pipes.
    assert_eq!(
        g.call("fd_filestat_set_size", &[Val::I32(1), Val::I64(0)]),
        EINVAL
    );
    assert_eq!(g.call("fd_sync", &[Val::I32(1)]), EINVAL);
}

fn rights_are_enforced_and_inherited(g: &mut Guest) {
    let ro = g.open_with(DIR, 0, "r", CREAT, RIGHT_FD_READ, 0).unwrap();
    assert_eq!(g.write(ro, b"x"), Err(ENOTCAPABLE));
    assert_eq!(g.fdstat(ro).unwrap().2, RIGHT_FD_READ as u64);
    let (_, _, rights, inheriting) = g.fdstat(DIR).unwrap();
    let gain = g.call(
        "fd_fdstat_set_rights",
        &[Val::I32(3), Val::I64(rights as i64), Val::I64(ALL)],
    );
    assert_eq!(gain, ENOTCAPABLE, "rights are never gained");
    // Drop PATH_CREATE_FILE (bit 10) from the directory: existing files still open.
    let e = g.call(
        "fd_fdstat_set_rights",
        &[
            Val::I32(3),
            Val::I64((rights & !(1 << 10)) as i64),
            Val::I64(inheriting as i64),
        ],
    );
    assert_eq!(e, 0);
    assert_eq!(g.open(DIR, "new", CREAT), Err(ENOTCAPABLE));
    assert!(g.open(DIR, "r", 0).is_ok());
    // Drop FD_WRITE from what the directory hands down: files opened now cannot write.
    let (_, _, base, inheriting) = g.fdstat(DIR).unwrap();
    let e = g.call(
        "fd_fdstat_set_rights",
        &[
            Val::I32(3),
            Val::I64(base as i64),
            Val::I64((inheriting & !(RIGHT_FD_WRITE as u64)) as i64),
        ],
    );
    assert_eq!(e, 0);
    let fd = g.open(DIR, "r", 0).unwrap();
    assert_eq!(g.fdstat(fd).unwrap().2 & RIGHT_FD_WRITE as u64, 0);
    assert_eq!(g.write(fd, b"x"), Err(ENOTCAPABLE));
    // Without PATH_OPEN nothing opens at all; without PATH_FILESTAT_GET nothing is seen.
    let e = g.call(
        "fd_fdstat_set_rights",
        &[Val::I32(3), Val::I64(0), Val::I64(0)],
    );
    assert_eq!(e, 0);
    assert_eq!(g.open(DIR, "r", 0), Err(ENOTCAPABLE));
    assert_eq!(g.stat(DIR, "r", 0), Err(ENOTCAPABLE));
    assert_eq!(g.mkdir(DIR, "m"), ENOTCAPABLE);
    // Path calls on a file or a stream: ENOTDIR.
    assert_eq!(g.mkdir(fd, "m"), ENOTDIR);
    assert_eq!(g.mkdir(1, "m"), ENOTDIR);
}

fn descriptor_table(g: &mut Guest) {
    let a = g.open(DIR, "a", CREAT).unwrap();
    let b = g.open(DIR, "b", CREAT).unwrap();
    assert_eq!((a, b), (4, 5), "the lowest free numbers");
    g.write(a, b"A").unwrap();
    assert_eq!(
        g.call("fd_renumber", &[Val::I32(a as i32), Val::I32(b as i32)]),
        0
    );
    assert_eq!(g.read(a, 1), Err(EBADF));
    assert_eq!(g.pread(b, 1, 0).unwrap(), b"A", "b is now the file a was");
    assert_eq!(g.close(b), 0);
    assert_eq!(g.close(b), EBADF);
    assert_eq!(g.open(DIR, "a", 0), Ok(4));
    // A file opened and unlinked stays readable until closed.
    let fd = g.open(DIR, "gone", CREAT).unwrap();
    g.write(fd, b"still here").unwrap();
    assert_eq!(g.unlink(DIR, "gone"), 0);
    assert_eq!(g.pread(fd, 100, 0).unwrap(), b"still here");
    // Even a preopen can be closed; then it is gone.
    assert_eq!(g.close(DIR), 0);
    assert_eq!(g.open(DIR, "a", 0), Err(EBADF));
}

#[test]
fn memfs_budget_stops_runaway_writes() {
    let fs = MemFs::with_budget(1000);
    let mut g = Guest::new(WasiCtx::builder().preopen(fs.clone(), "/").build());
    let fd = g.open(DIR, "big", CREAT).unwrap();
    assert_eq!(g.write(fd, &[1; 600]), Ok(600));
    let other = g.open(DIR, "other", CREAT).unwrap();
    assert_eq!(g.write(other, &[1; 600]), Err(ENOSPC));
    assert_eq!(
        g.pwrite(fd, b"x", 1 << 40),
        Err(22),
        "EFBIG far past the budget"
    );
    let e = g.call(
        "fd_filestat_set_size",
        &[Val::I32(fd as i32), Val::I64(i64::MAX)],
    );
    assert_eq!(e, 22);
    assert_eq!(fs.used(), 600);
    // Freed by unlinking and closing.
    assert_eq!(g.unlink(DIR, "big"), 0);
    assert_eq!(fs.used(), 600, "still open");
    g.close(fd);
    assert_eq!(fs.used(), 0);
}

#[test]
fn embedder_sees_what_the_program_wrote() {
    let fs = MemFs::new();
    fs.write_file("in/data.txt", b"given").unwrap();
    let mut g = Guest::new(WasiCtx::builder().preopen(fs.clone(), "/work").build());
    let fd = g.open(DIR, "in/data.txt", 0).unwrap();
    assert_eq!(g.read(fd, 100).unwrap(), b"given");
    let out = g.open(DIR, "out.txt", CREAT).unwrap();
    g.write(out, b"made by the program").unwrap();
    assert_eq!(fs.read_file("out.txt").unwrap(), b"made by the program");
}
