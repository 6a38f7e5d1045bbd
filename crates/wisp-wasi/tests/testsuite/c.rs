//! The suite's C programs (`tests/c/src`), restated as the preview1 calls wasi-libc makes
//! for them. What they set up in advance (`lseek.txt`, `pread.txt`, ...) is written first.

use super::*;

both!(
    fdopendir_with_access,
    fopen_with_access,
    lseek,
    pread_with_access,
    pwrite_with_access,
    pwrite_with_append,
    stat_dev_ino,
);

/// Writes `data` to a new file `name` in `dir`.
fn fixture(g: &mut Guest, dir: u32, name: &str, data: &[u8]) {
    let f = open_rights(g, dir, name, CREAT | TRUNC, r::FD_WRITE);
    assert_eq!(g.write(f, data), Ok(data.len() as u32));
    assert_eq!(g.close(f), 0);
}

fn clock_call(name: &str, id: i32) -> Result<u64, i32> {
    let mut g = stdio_guest();
    let out = g.room(8);
    let args: &[Val] = if name == "clock_res_get" {
        &[Val::I32(id), Val::I32(out)]
    } else {
        &[Val::I32(id), Val::I64(0), Val::I32(out)]
    };
    res(g.call_keep(name, args)).map(|()| g.u64_at(out))
}

/// clock_res_get on the monotonic clock succeeds.
#[test]
fn clock_getres_monotonic() {
    assert!(clock_call("clock_res_get", 1).is_ok());
}

/// clock_res_get on the realtime clock succeeds.
#[test]
fn clock_getres_realtime() {
    assert!(clock_call("clock_res_get", 0).is_ok());
}

/// Two readings of the monotonic clock strictly increase.
#[test]
fn clock_gettime_monotonic() {
    let mut g = stdio_guest();
    let mut now = || {
        let out = g.room(8);
        let args = [Val::I32(1), Val::I64(0), Val::I32(out)];
        assert_eq!(g.call_keep("clock_time_get", &args), 0);
        g.u64_at(out)
    };
    let (first, second) = (now(), now());
    assert!(first < second, "{first} then {second}");
}

/// clock_time_get on the realtime clock succeeds.
#[test]
fn clock_gettime_realtime() {
    assert!(clock_call("clock_time_get", 0).is_ok());
}

/// sock_shutdown on a descriptor that is not open is EBADF.
#[test]
fn sock_shutdown_invalid_fd() {
    assert_eq!(
        stdio_guest().call("sock_shutdown", &[fd(3), Val::I32(1)]),
        EBADF
    );
}

/// sock_shutdown on stdout, which is no socket, is ENOTSOCK.
#[test]
fn sock_shutdown_not_sock() {
    assert_eq!(
        stdio_guest().call("sock_shutdown", &[fd(1), Val::I32(1)]),
        ENOTSOCK
    );
}

/// readdir of a directory opened by path names each file once, with the inode stat reports.
fn fdopendir_with_access(g: &mut Guest) {
    let s = scratch(g);
    assert_eq!(g.mkdir(s, "fopendir.dir"), 0);
    for name in ["fopendir.dir/file-0", "fopendir.dir/file-1"] {
        create_file(g, s, name);
    }
    let rights = r::FD_READDIR | r::PATH_FILESTAT_GET | r::PATH_OPEN;
    let d = g
        .open_full(s, 0, "fopendir.dir", DIRECTORY, rights, 0, 0)
        .unwrap();
    let (entries, end) = readdir_once(g, d, 0);
    assert!(end);
    let mut seen = Vec::new();
    for e in entries.iter().filter(|e| !e.name.starts_with('.')) {
        assert!(e.name == "file-0" || e.name == "file-1", "{}", e.name);
        assert_eq!(g.stat(d, &e.name, 0).unwrap().ino, e.ino, "{}", e.name);
        seen.push((e.name.clone(), e.ino));
    }
    seen.sort();
    assert_eq!(seen.len(), 2);
    assert_ne!(seen[0].1, seen[1].1, "two files, two inodes");
}

/// An existing file opens for reading and closes.
fn fopen_with_access(g: &mut Guest) {
    let s = scratch(g);
    create_file(g, s, "file");
    let f = open_rights(g, s, "file", 0, r::FD_READ);
    assert_eq!(g.close(f), 0);
}

/// Reads move the offset fd_seek reports; seeking to the start and to the end works.
fn lseek(g: &mut Guest) {
    let s = scratch(g);
    fixture(g, s, "lseek.txt", b"01234567");
    let f = open_rights(g, s, "lseek.txt", 0, r::FD_READ | r::FD_SEEK | r::FD_TELL);
    assert_eq!(g.read(f, 4).unwrap().len(), 4);
    assert_eq!(g.seek(f, 0, CUR), Ok(4));
    assert_eq!(g.read(f, 1).unwrap(), b"4");
    assert_eq!(g.seek(f, 0, CUR), Ok(5));
    assert_eq!(g.seek(f, 0, SET), Ok(0));
    assert_eq!(g.seek(f, 0, END), Ok(8));
    assert_eq!(g.close(f), 0);
}

/// fd_pread returns the bytes at its offset, going on after short reads.
fn pread_with_access(g: &mut Guest) {
    let s = scratch(g);
    fixture(g, s, "pread.txt", b"pread-test");
    let f = open_rights(g, s, "pread.txt", 0, r::FD_READ | r::FD_SEEK);
    let mut got = Vec::new();
    while got.len() < 3 {
        let part = g.pread(f, 3 - got.len(), 4 + got.len() as u64).unwrap();
        assert!(!part.is_empty());
        got.extend(part);
    }
    assert_eq!(got, b"d-t");
    assert_eq!(g.close(f), 0);
}

/// fd_pwrite into a write-only file overwrites in place; the file reads back so.
fn pwrite_with_access(g: &mut Guest) {
    let s = scratch(g);
    assert_eq!(g.mkdir(s, "writeable"), 0);
    let name = "writeable/test_pwrite_pread.txt.cleanup";
    fails(g.stat(s, name, 0), &[ENOENT]);
    let f = open_rights(g, s, name, CREAT, r::FD_WRITE | r::FD_SEEK);
    assert_eq!(g.pwrite(f, b"very long text", 0), Ok(14));
    assert_eq!(g.pwrite(f, b"test", 3), Ok(4));
    assert_eq!(g.close(f), 0);
    let f = open_rights(g, s, name, 0, r::FD_READ);
    assert_eq!(g.read(f, 16).unwrap(), b"vertestng text");
    assert_eq!(g.close(f), 0);
    assert_eq!(g.unlink(s, name), 0);
}

/// With APPEND fd_write goes to the end; fd_pwrite keeps the offset, writing there or at the end.
fn pwrite_with_append(g: &mut Guest) {
    let s = scratch(g);
    let rights = r::FD_WRITE | r::FD_SEEK | r::FD_TELL;
    let name = "pwrite.cleanup";
    let f = g
        .open_full(s, 0, name, CREAT | TRUNC, rights, 0, APPEND)
        .unwrap();
    assert_eq!(g.write(f, b"ab"), Ok(2));
    assert_eq!(g.seek(f, 0, SET), Ok(0));
    assert_eq!(g.write(f, b"cd"), Ok(2));
    assert_eq!(g.seek(f, 0, CUR), Ok(4));
    assert_eq!(g.pwrite(f, b"xyz", 0), Ok(3));
    assert_eq!(g.seek(f, 0, CUR), Ok(4));
    let end = g.seek(f, 0, END).unwrap();
    assert!(end == 4 || end == 7, "end at {end}");
    assert_eq!(g.close(f), 0);
}

/// Two files of one directory share a device and have different inodes.
fn stat_dev_ino(g: &mut Guest) {
    let s = scratch(g);
    create_file(g, s, "file");
    fixture(g, s, "lseek.txt", b"01234567");
    let a = open_rights(g, s, "file", 0, r::FD_READ | r::FD_FILESTAT_GET);
    let b = open_rights(g, s, "lseek.txt", 0, r::FD_READ | r::FD_FILESTAT_GET);
    let (a, b) = (filestat_raw(g, a).unwrap(), filestat_raw(g, b).unwrap());
    assert_eq!(le64(&a, 0), le64(&b, 0), "st_dev");
    assert_ne!(le64(&a, 8), le64(&b, 8), "st_ino");
}
