//! The suite's programs about descriptors and file contents.

use super::*;

both!(
    close_preopen,
    dangling_fd,
    dir_fd_op_failures,
    directory_seek,
    fd_advise,
    fd_fdstat_set_rights,
    fd_filestat_set,
    fd_flags_set,
    fd_readdir,
    file_allocate,
    file_pread_pwrite,
    file_seek_tell,
    file_truncation,
    file_unbuffered_write,
    fstflags_validate,
    isatty,
    overwrite_preopen,
    path_open_read_write,
    #[ignore = "wisp differs: fd_read without FD_READ is ENOTCAPABLE, not EBADF"]
    path_open_read_without_rights,
    renumber,
    stdio,
    truncation_rights,
);

/// Closing a preopen works; another descriptor for its directory stays usable.
fn close_preopen(g: &mut Guest) {
    let d = scratch(g);
    assert_eq!(g.close(PREOPEN), 0);
    assert_eq!(g.fdstat(d).unwrap().0, guest::DIR);
    fails(g.fdstat(PREOPEN), &[EBADF]);
}

/// A file or directory removed while still open can be created again.
fn dangling_fd(g: &mut Guest) {
    let d = scratch(g);
    let (file, sub) = ("dangling_fd_file.cleanup", "dangling_fd_subdir.cleanup");
    create_file(g, d, file);
    let held = g.open_full(d, 0, file, 0, 0, 0, 0).unwrap();
    assert!(held > 2);
    assert_eq!(g.unlink(d, file), 0);
    create_file(g, d, file);
    assert_eq!(g.unlink(d, file), 0);
    assert_eq!(g.mkdir(d, sub), 0);
    let held_dir = g.open_full(d, 0, sub, DIRECTORY, 0, 0, 0).unwrap();
    assert!(held_dir > 2);
    assert_eq!(g.rmdir(d, sub), 0);
    assert_eq!(g.mkdir(d, sub), 0);
}

/// Byte I/O, seek, tell, allocate and resize on a directory fail; prestat names fit.
fn dir_fd_op_failures(g: &mut Guest) {
    let d = scratch(g);
    assert_eq!(g.fstat(d).unwrap().filetype, guest::DIR);
    // The first preopen, found the way a program scans for it.
    let out = g.room(8);
    let pre = (3..16)
        .find(|&n| g.call_keep("fd_prestat_get", &[fd(n), Val::I32(out)]) == 0)
        .unwrap();
    assert_eq!(g.get(out, 1)[0], 0, "a directory preopen");
    let len = g.u32_at(out + 4);
    let buf = g.room(len + 1);
    let short = g.call_keep(
        "fd_prestat_dir_name",
        &[fd(pre), Val::I32(buf), Val::I32(0)],
    );
    fails(res(short), &[EINVAL, ENAMETOOLONG]);
    let roomy = [fd(pre), Val::I32(buf), Val::I32(len as i32 + 1)];
    assert_eq!(g.call("fd_prestat_dir_name", &roomy), 0);
    let bad = [EISDIR, EBADF, ENOTCAPABLE];
    fails(g.read(d, 128), &bad);
    fails(g.pread(d, 128, 0), &bad);
    fails(g.write(d, &[0; 128]), &bad);
    fails(g.pwrite(d, &[0; 128], 0), &bad);
    for whence in [CUR, SET, END] {
        fails(g.seek(d, 0, whence), &bad);
    }
    fails(tell(g, d), &bad);
    fails(allocate(g, d, 0, 1), &bad);
    fails(set_size(g, d, 0), &[EISDIR, EINVAL, EBADF, ENOTCAPABLE]);
}

/// A directory opened asking for FD_SEEK is not given it and cannot seek.
fn directory_seek(g: &mut Guest) {
    let d = scratch(g);
    let name = "directory_seek_dir.cleanup";
    assert_eq!(g.mkdir(d, name), 0);
    let sub = g
        .open_full(d, 0, name, DIRECTORY, r::FD_SEEK, 0, 0)
        .unwrap();
    assert!(sub > 2);
    fails(g.seek(sub, 0, CUR), &[EISDIR, ENOTCAPABLE, EBADF]);
    let (filetype, _, rights, _) = g.fdstat(sub).unwrap();
    assert_eq!(filetype, guest::DIR);
    assert_eq!(rights & r::FD_SEEK, 0, "no seek right on a directory");
    assert_eq!(g.close(sub), 0);
    assert_eq!(g.rmdir(d, name), 0);
}

/// fd_advise keeps the size; fd_allocate grows the file (or is ENOTSUP).
fn fd_advise(g: &mut Guest) {
    let d = scratch(g);
    let name = "fd_advise_file.cleanup";
    let rights = r::FD_READ
        | r::FD_WRITE
        | r::FD_ADVISE
        | r::FD_FILESTAT_GET
        | r::FD_FILESTAT_SET_SIZE
        | r::FD_ALLOCATE;
    let f = open_rights(g, d, name, CREAT, rights);
    assert_eq!(g.fstat(f).unwrap().size, 0);
    set_size(g, f, 100).unwrap();
    assert_eq!(g.fstat(f).unwrap().size, 100);
    let normal = [fd(f), Val::I64(10), Val::I64(50), Val::I32(0)];
    assert_eq!(g.call("fd_advise", &normal), 0);
    assert_eq!(g.fstat(f).unwrap().size, 100);
    match allocate(g, f, 100, 100) {
        Ok(()) => assert_eq!(g.fstat(f).unwrap().size, 200),
        Err(e) => assert_eq!(e, ENOTSUP),
    }
    assert_eq!(g.close(f), 0);
    assert_eq!(g.unlink(d, name), 0);
}

/// Dropping FD_READ/FD_WRITE stops reads and writes; rights cannot be regained.
fn fd_fdstat_set_rights(g: &mut Guest) {
    let (s, name) = (scratch(g), "rights_dir.cleanup");
    let d = tmp_dir(g, s, name);
    let all = r::FD_READ | r::FD_WRITE | r::FD_SEEK | r::FD_TELL;
    let f = open_rights(g, d, "file.cleanup", CREAT, all);
    assert_eq!(g.write(f, &[0, 1, 2, 3]), Ok(4));
    g.seek(f, 0, SET).unwrap();
    assert_eq!(g.read(f, 4).unwrap(), [0, 1, 2, 3]);
    let (_, _, base, inheriting) = g.fdstat(f).unwrap();
    set_rights(g, f, base & !(r::FD_READ | r::FD_WRITE), inheriting).unwrap();
    let (_, _, base, inheriting) = g.fdstat(f).unwrap();
    assert_eq!(base & (r::FD_READ | r::FD_WRITE), 0);
    assert_ne!(base & r::FD_SEEK, 0);
    fails(g.read(f, 4), &[EBADF, ENOTCAPABLE]);
    fails(g.write(f, &[0, 1, 2, 3]), &[EBADF, ENOTCAPABLE]);
    fails(
        set_rights(g, f, base | all, inheriting | all),
        &[ENOTCAPABLE],
    );
    assert_eq!(g.close(f), 0);
    assert_eq!(g.unlink(d, "file.cleanup"), 0);
    assert_eq!(g.rmdir(s, name), 0);
}

/// fd_filestat_set_size and an mtim-only fd_filestat_set_times change only that.
fn fd_filestat_set(g: &mut Guest) {
    let d = scratch(g);
    let name = "fd_filestat_set_file.cleanup";
    let rights = r::FD_READ
        | r::FD_WRITE
        | r::FD_FILESTAT_GET
        | r::FD_FILESTAT_SET_SIZE
        | r::FD_FILESTAT_SET_TIMES;
    let f = open_rights(g, d, name, CREAT, rights);
    assert_eq!(g.fstat(f).unwrap().size, 0);
    set_size(g, f, 100).unwrap();
    let st = g.fstat(f).unwrap();
    assert_eq!(st.size, 100);
    // The suite subtracts from a fresh file's mtim (overflow traps in its debug build).
    let mtim = st
        .mtim
        .checked_sub(100)
        .expect("a fresh file's mtim is set");
    set_times(g, f, mtim, mtim, MTIM).unwrap();
    let after = g.fstat(f).unwrap();
    assert_eq!((after.size, after.mtim, after.atim), (100, mtim, st.atim));
    assert_eq!(g.close(f), 0);
    assert_eq!(g.unlink(d, name), 0);
}

/// FDFLAGS_APPEND sends writes to the end until fd_fdstat_set_flags clears it.
fn fd_flags_set(g: &mut Guest) {
    let d = scratch(g);
    let name = "fd_flags_set_file.cleanup";
    let rights = r::FD_READ | r::FD_WRITE | r::FD_SEEK | r::FD_TELL | r::FD_FDSTAT_SET_FLAGS;
    let f = g.open_full(d, 0, name, CREAT, rights, 0, APPEND).unwrap();
    assert_eq!(g.write(f, &[0; 100]), Ok(100));
    g.seek(f, 0, SET).unwrap();
    assert_eq!(g.read(f, 100).unwrap(), [0; 100]);
    g.seek(f, 0, SET).unwrap();
    assert_eq!(g.write(f, &[1; 100]), Ok(100));
    g.seek(f, 100, SET).unwrap();
    assert_eq!(
        g.read(f, 100).unwrap(),
        [1; 100],
        "appended, not overwritten"
    );
    assert_eq!(g.call("fd_fdstat_set_flags", &[fd(f), Val::I32(0)]), 0);
    g.seek(f, 0, SET).unwrap();
    assert_eq!(g.write(f, &[2; 100]), Ok(100));
    g.seek(f, 0, SET).unwrap();
    assert_eq!(g.read(f, 100).unwrap(), [2; 100], "written in place");
    assert_eq!(g.close(f), 0);
    assert_eq!(g.stat(d, name, 0).unwrap().size, 200);
    assert_eq!(g.unlink(d, name), 0);
}

/// fd_readdir: `.` carries the directory's inode, cookies resume, 1000 entries page.
fn fd_readdir(g: &mut Guest) {
    let (s, name) = (scratch(g), "fd_readdir_dir.cleanup");
    let d = tmp_dir(g, s, name);
    let dir_ino = g.fstat(d).unwrap().ino;
    let (mut list, end) = readdir_once(g, d, 0);
    assert!(end);
    list.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(list.len(), 2, "an empty directory has . and ..");
    assert_eq!((list[0].name.as_str(), list[0].filetype), (".", guest::DIR));
    assert_eq!(list[0].ino, dir_ino);
    assert_eq!(
        (list[1].name.as_str(), list[1].filetype),
        ("..", guest::DIR)
    );
    let rights = r::FD_READ | r::FD_WRITE | r::FD_READDIR | r::FD_FILESTAT_GET;
    let f = open_rights(g, d, "file", CREAT, rights);
    let file_ino = g.fstat(f).unwrap().ino;
    assert_eq!(g.close(f), 0);
    let (mut list, end) = readdir_once(g, d, 0);
    assert!(end);
    assert_eq!(list.len(), 3);
    let (cookie, last) = (list[1].next, list[2].name.clone());
    list.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(
        (list[2].name.as_str(), list[2].filetype),
        ("file", REGULAR_FILE)
    );
    assert_eq!(list[2].ino, file_ino);
    let (rest, end) = readdir_once(g, d, cookie);
    assert!(end);
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].name, last);
    assert_eq!(g.unlink(d, "file"), 0);
    for i in 0..1000 {
        let f = open_rights(g, d, &format!("file.{i}"), CREAT, rights);
        assert_eq!(g.close(f), 0);
    }
    let (mut total, mut cookie) = (0, 0);
    loop {
        let (list, end) = readdir_once(g, d, cookie);
        total += list.len();
        if end {
            break;
        }
        cookie = list.last().expect("a full buffer holds an entry").next;
    }
    assert_eq!(total, 1002);
    for i in 0..1000 {
        assert_eq!(g.unlink(d, &format!("file.{i}")), 0);
    }
    assert_eq!(g.rmdir(s, name), 0);
}

/// fd_allocate grows a file to offset+len, never shrinks it (or is ENOTSUP).
fn file_allocate(g: &mut Guest) {
    let (s, name) = (scratch(g), "file_allocate_dir.cleanup");
    let d = tmp_dir(g, s, name);
    let rights = r::FD_READ | r::FD_WRITE | r::FD_ALLOCATE | r::FD_FILESTAT_GET;
    let f = open_rights(g, d, "file", CREAT, rights);
    assert_eq!(g.fstat(f).unwrap().size, 0);
    match allocate(g, f, 0, 100) {
        Ok(()) => {
            assert_eq!(g.fstat(f).unwrap().size, 100);
            allocate(g, f, 10, 10).unwrap();
            assert_eq!(g.fstat(f).unwrap().size, 100);
            allocate(g, f, 90, 20).unwrap();
            assert_eq!(g.fstat(f).unwrap().size, 110);
        }
        Err(e) => assert_eq!(e, ENOTSUP),
    }
    assert_eq!(g.close(f), 0);
    assert_eq!(g.unlink(d, "file"), 0);
    assert_eq!(g.rmdir(s, name), 0);
}

/// Positioned reads and writes, with one iovec or several, land where told.
fn file_pread_pwrite(g: &mut Guest) {
    let (s, name) = (scratch(g), "file_pread_pwrite_dir.cleanup");
    let d = tmp_dir(g, s, name);
    let f = open_rights(g, d, "file", CREAT, r::FD_READ | r::FD_SEEK | r::FD_WRITE);
    let data = [0u8, 1, 2, 3];
    assert_eq!(g.pwrite(f, &data, 0), Ok(4));
    assert_eq!(g.pread(f, 4, 0).unwrap(), data);
    // Two iovecs at a time, going on after short transfers.
    let mut at = 0;
    while at < data.len() {
        let rest = &data[at..];
        let parts: Vec<&[u8]> = if rest.len() > 2 {
            vec![&rest[..2], &rest[2..]]
        } else {
            vec![rest]
        };
        at += pwritev(g, f, &parts, at as u64).unwrap() as usize;
    }
    let mut back = Vec::new();
    loop {
        let got = preadv(g, f, &[2, 2], back.len() as u64).unwrap();
        if got.is_empty() {
            break;
        }
        back.extend(got);
    }
    assert_eq!(back, data);
    assert_eq!(g.pread(f, 4, 2).unwrap(), [2, 3], "short at the end");
    assert_eq!(g.pwrite(f, &[1, 0], 2), Ok(2));
    assert_eq!(g.pread(f, 4, 0).unwrap(), [0, 1, 1, 0]);
    assert_eq!(g.close(f), 0);
    assert_eq!(g.unlink(d, "file"), 0);
    assert_eq!(g.rmdir(s, name), 0);
}

/// fd_tell follows I/O and seeks; seeking past the end works, before 0 is EINVAL.
fn file_seek_tell(g: &mut Guest) {
    let (s, name) = (scratch(g), "file_seek_tell_dir.cleanup");
    let d = tmp_dir(g, s, name);
    let rights = r::FD_READ | r::FD_WRITE | r::FD_SEEK | r::FD_TELL;
    let f = open_rights(g, d, "file", CREAT, rights);
    assert_eq!(tell(g, f), Ok(0));
    assert_eq!(g.write(f, &[0; 100]), Ok(100));
    assert_eq!(tell(g, f), Ok(100));
    assert_eq!(g.seek(f, -50, CUR), Ok(50));
    assert_eq!(g.seek(f, 0, SET), Ok(0));
    assert!(g.seek(f, 1000, CUR).is_ok());
    fails(g.seek(f, -2000, CUR), &[EINVAL]);
    g.seek(f, 0, SET).unwrap();
    assert_eq!(g.read(f, 100).unwrap().len(), 100);
    assert_eq!(tell(g, f), Ok(100));
    assert_eq!(g.close(f), 0);
    assert_eq!(g.unlink(d, "file"), 0);
    assert_eq!(g.rmdir(s, name), 0);
}

/// Opening with O_TRUNC empties a file.
fn file_truncation(g: &mut Guest) {
    let (s, name) = (scratch(g), "file_truncation_dir.cleanup");
    let d = tmp_dir(g, s, name);
    let f = open_rights(g, d, "test.txt", CREAT, r::FD_WRITE);
    let text = b"some words that truncation will remove";
    assert_eq!(g.write(f, text), Ok(text.len() as u32));
    assert_eq!(g.close(f), 0);
    let f = open_rights(g, d, "test.txt", CREAT | TRUNC, r::FD_WRITE | r::FD_READ);
    assert_eq!(g.read(f, 100).unwrap(), b"");
    assert_eq!(g.close(f), 0);
    assert_eq!(g.unlink(d, "test.txt"), 0);
    assert_eq!(g.rmdir(s, name), 0);
}

/// A byte written through one descriptor is read at once through another.
fn file_unbuffered_write(g: &mut Guest) {
    let (s, name) = (scratch(g), "file_unbuffered_write_dir.cleanup");
    let d = tmp_dir(g, s, name);
    let reader = open_rights(g, d, "file", CREAT, r::FD_READ);
    let writer = open_rights(g, d, "file", 0, r::FD_WRITE);
    assert_eq!(g.write(writer, &[1]), Ok(1));
    assert_eq!(g.read(reader, 1).unwrap(), [1]);
    assert_eq!(g.close(writer), 0);
    assert_eq!(g.close(reader), 0);
    assert_eq!(g.unlink(d, "file"), 0);
    assert_eq!(g.rmdir(s, name), 0);
}

/// A time flag together with its _NOW flag is EINVAL, for atim and mtim.
fn fstflags_validate(g: &mut Guest) {
    let d = scratch(g);
    let rights = r::FD_READ | r::FD_FILESTAT_SET_TIMES;
    let f = open_rights(g, d, "fstflags_validate.cleanup", CREAT, rights);
    fails(set_times(g, f, 100, 200, MTIM | MTIM_NOW), &[EINVAL]);
    fails(set_times(g, f, 100, 200, ATIM | ATIM_NOW), &[EINVAL]);
    assert_eq!(g.close(f), 0);
}

/// A regular file is no terminal by isatty's rule (character device without seek/tell).
fn isatty(g: &mut Guest) {
    let (s, name) = (scratch(g), "isatty_dir.cleanup");
    let d = tmp_dir(g, s, name);
    let f = open_rights(g, d, "file", CREAT, 0);
    const CHARACTER_DEVICE: u8 = 2;
    let (filetype, _, rights, _) = g.fdstat(f).unwrap();
    let tty = filetype == CHARACTER_DEVICE && rights & (r::FD_SEEK | r::FD_TELL) == 0;
    assert!(!tty, "a file looks like a terminal");
    assert_eq!(g.close(f), 0);
    assert_eq!(g.unlink(d, "file"), 0);
    assert_eq!(g.close(d), 0);
    assert_eq!(g.rmdir(s, name), 0);
}

/// fd_renumber over a preopen puts the moved directory there and closes the source.
fn overwrite_preopen(g: &mut Guest) {
    let (s, name) = (scratch(g), "overwrite_preopen_dir.cleanup");
    let d = tmp_dir(g, s, name);
    assert!(d > PREOPEN);
    let before = filestat_raw(g, d).unwrap();
    renumber_fd(g, d, PREOPEN).unwrap();
    let after = filestat_raw(g, PREOPEN).unwrap();
    assert_eq!(
        (le64(&after, 0), le64(&after, 8)),
        (le64(&before, 0), le64(&before, 8))
    );
    fails(g.fdstat(d), &[EBADF]);
    assert_eq!(g.close(PREOPEN), 0);
    assert_eq!(g.rmdir(s, name), 0);
}

/// FD_READ alone cannot write, FD_WRITE alone cannot read, both do both.
fn path_open_read_write(g: &mut Guest) {
    let d = scratch(g);
    let name = "file.cleanup";
    create_file(g, d, name);
    let (rd, wr) = (r::FD_READ, r::FD_WRITE);
    let f = open_rights(g, d, name, 0, rd);
    assert_eq!(g.fdstat(f).unwrap().2 & (rd | wr), rd);
    assert_eq!(g.read(f, 100).unwrap(), b"");
    fails(g.write(f, &[1; 50]), &[EBADF, ENOTCAPABLE]);
    assert_eq!(g.close(f), 0);
    let f = open_rights(g, d, name, 0, wr);
    assert_eq!(g.fdstat(f).unwrap().2 & (rd | wr), wr);
    fails(g.read(f, 100), &[EBADF, ENOTCAPABLE]);
    assert_eq!(g.write(f, &[1; 50]), Ok(50));
    assert_eq!(g.close(f), 0);
    let f = open_rights(g, d, name, 0, rd | wr | r::FD_FILESTAT_GET);
    assert_eq!(g.fdstat(f).unwrap().2 & (rd | wr), rd | wr);
    assert_eq!(g.read(f, 100).unwrap().len(), 50, "what the writer left");
    assert_eq!(g.write(f, &[2; 25]), Ok(25));
    assert_eq!(g.fstat(f).unwrap().size, 75);
    assert_eq!(g.close(f), 0);
    assert_eq!(g.unlink(d, name), 0);
}

/// (Legacy program.) Reading a file opened without FD_READ is EBADF.
fn path_open_read_without_rights(g: &mut Guest) {
    let (s, name) = (scratch(g), "path_open_read_without_rights_dir.cleanup");
    let d = tmp_dir(g, s, name);
    create_file(g, d, "file");
    let (_, _, base, inheriting) = g.fdstat(d).unwrap();
    set_rights(g, d, base & !r::FD_READ, inheriting & !r::FD_READ).unwrap();
    let (_, _, base, inheriting) = g.fdstat(d).unwrap();
    assert_eq!((base | inheriting) & r::FD_READ, 0);
    let f = g.open_full(d, 0, "file", 0, 0, 0, 0).unwrap();
    let (_, _, base, inheriting) = g.fdstat(f).unwrap();
    assert_eq!((base | inheriting) & r::FD_READ, 0);
    fails(g.read(f, 1), &[EBADF]);
    assert_eq!(g.unlink(d, "file"), 0);
    assert_eq!(g.rmdir(s, name), 0);
}

/// fd_renumber moves a descriptor over another and closes the source; EBADF if closed.
fn renumber(g: &mut Guest) {
    let (s, name) = (scratch(g), "renumber_dir.cleanup");
    let d = tmp_dir(g, s, name);
    assert!(d > PREOPEN);
    let from = open_rights(g, d, "file1", CREAT, r::FD_READ | r::FD_WRITE);
    let stat_from = g.fdstat(from).unwrap();
    let to = open_rights(g, d, "file2", CREAT, r::FD_READ | r::FD_WRITE);
    renumber_fd(g, from, to).unwrap();
    assert_eq!(g.close(from), EBADF);
    assert_eq!(g.fdstat(to).unwrap(), stat_from);
    fails(renumber_fd(g, to, from), &[EBADF]);
    assert_eq!(g.close(to), 0);
    assert_eq!(g.unlink(d, "file1"), 0);
    assert_eq!(g.unlink(d, "file2"), 0);
    assert_eq!(g.rmdir(s, name), 0);
}

/// Each stdio descriptor can be renumbered onto a file's and is closed afterwards.
fn stdio(g: &mut Guest) {
    let (s, name) = (scratch(g), "stdio_dir.cleanup");
    let d = tmp_dir(g, s, name);
    for std_fd in 0..3 {
        let to = g.open_full(d, 0, "file.cleanup", CREAT, 0, 0, 0).unwrap();
        renumber_fd(g, std_fd, to).unwrap();
        assert!(g.fdstat(to).is_ok());
        assert!(g.fdstat(std_fd).is_err(), "fd {std_fd} still open");
        assert_eq!(g.unlink(d, "file.cleanup"), 0);
    }
    assert_eq!(g.rmdir(s, name), 0);
}

/// O_TRUNC needs PATH_FILESTAT_SET_SIZE on the directory, not FD_FILESTAT_SET_SIZE.
fn truncation_rights(g: &mut Guest) {
    let (s, name) = (scratch(g), "truncation_rights_dir.cleanup");
    let d = tmp_dir(g, s, name);
    create_file(g, d, "file");
    let (filetype, flags, mut base, mut inheriting) = g.fdstat(d).unwrap();
    assert_eq!((filetype, flags), (guest::DIR, 0));
    assert_eq!(base & r::FD_FILESTAT_SET_SIZE, 0);
    if base & r::PATH_FILESTAT_SET_SIZE != 0 {
        let trunc = |g: &mut Guest| g.open_full(d, 0, "file", TRUNC, 0, 0, 0);
        let f = trunc(g).unwrap();
        assert_eq!(g.close(f), 0);
        if inheriting & r::FD_FILESTAT_SET_SIZE != 0 {
            inheriting &= !r::FD_FILESTAT_SET_SIZE;
            set_rights(g, d, base, inheriting).unwrap();
        }
        let f = trunc(g).unwrap();
        assert_eq!(g.close(f), 0);
        base &= !r::PATH_FILESTAT_SET_SIZE;
        set_rights(g, d, base, inheriting).unwrap();
        assert_eq!(g.fdstat(d).unwrap().2 & r::PATH_FILESTAT_SET_SIZE, 0);
        fails(trunc(g), &[EPERM, ENOTCAPABLE]);
    }
    assert_eq!(g.unlink(d, "file"), 0);
    assert_eq!(g.rmdir(s, name), 0);
}
