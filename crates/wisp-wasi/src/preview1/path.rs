//! Path operations, relative to a directory descriptor: `path_open`,
//! `path_create_directory`, `path_remove_directory`, `path_unlink_file`,
//! `path_filestat_get`, `path_filestat_set_times`, `path_readlink`, `path_symlink`,
//! `path_rename`, `path_link`.
//!
//! Every path goes through [`resolve`] first, which keeps it inside the directory
//! descriptor it is relative to; the backend then sees a clean path. A descriptor that is
//! not a directory gets `ENOTDIR`; a directory without the right gets `ENOTCAPABLE`.

use super::file::times;
use super::{ret, Env, GetCtx};
use crate::ctx::{Descriptor, FdEntry, OpenDir, OpenFile};
use crate::fs::resolve::{resolve, Resolved};
use crate::fs::{FileType, OpenOptions};
use crate::rights::*;
use crate::{Errno, WasiCtx, MODULE};
use alloc::string::String;
use wisp::{Caller, Linker};

/// preview1 `lookupflags::symlink_follow`.
const FOLLOW: u32 = 1;
/// preview1 `oflags`.
const CREAT: u32 = 1;
const DIRECTORY: u32 = 2;
const EXCL: u32 = 4;
const TRUNC: u32 = 8;

/// The directory `fd` names, once it holds `right`: its mount and clean path.
fn dir(ctx: &mut WasiCtx, fd: u32, right: u64) -> Result<(usize, String), Errno> {
    let e = ctx.fd(fd)?;
    let Descriptor::Dir(d) = &e.desc else {
        return Err(Errno::Notdir);
    };
    let found = (d.mount, d.path.clone());
    e.require(right)?;
    Ok(found)
}

/// Resolves `path` from directory `fd`, which must hold `right`.
fn lookup(
    ctx: &mut WasiCtx,
    fd: u32,
    right: u64,
    path: &[u8],
    follow: bool,
) -> Result<(usize, String, Resolved), Errno> {
    let (mount, base) = dir(ctx, fd, right)?;
    let r = resolve(&mut *ctx.mounts[mount], &base, path, follow)?;
    Ok((mount, base, r))
}

#[allow(clippy::too_many_arguments)]
fn open(
    ctx: &mut WasiCtx,
    fd: u32,
    dirflags: u32,
    path: &[u8],
    oflags: u32,
    base: u64,
    inheriting: u64,
    fdflags: u32,
) -> Result<u32, Errno> {
    if oflags & !0xf != 0 || fdflags & !0x1f != 0 {
        return Err(Errno::Inval);
    }
    let mut needed = PATH_OPEN;
    if oflags & CREAT != 0 {
        needed |= PATH_CREATE_FILE;
    }
    if oflags & TRUNC != 0 {
        needed |= PATH_FILESTAT_SET_SIZE;
    }
    let (mount, _, r) = lookup(ctx, fd, needed, path, dirflags & FOLLOW != 0)?;
    // A descriptor never gets more than its directory lets it inherit.
    let granted = ctx.fd(fd)?.inheriting;
    let writes = FD_WRITE | FD_ALLOCATE | FD_FILESTAT_SET_SIZE;
    let options = match r.stat.map(|s| s.filetype) {
        Some(FileType::Directory) => {
            if oflags & (CREAT | EXCL) == CREAT | EXCL {
                return Err(Errno::Exist);
            }
            if oflags & TRUNC != 0 {
                return Err(Errno::Isdir);
            }
            // Asking to write a directory is `EISDIR`, as `open(dir, O_RDWR)` is.
            if base & FD_WRITE != 0 {
                return Err(Errno::Isdir);
            }
            let entry = FdEntry {
                desc: Descriptor::Dir(OpenDir {
                    mount,
                    path: r.path,
                    preopen: None,
                }),
                rights: base & granted & crate::rights::DIRECTORY,
                inheriting: inheriting & granted,
                flags: fdflags as u16,
            };
            return ctx.insert(entry);
        }
        // The last name is a link that was not to be followed (`O_NOFOLLOW`).
        Some(FileType::SymbolicLink) => return Err(Errno::Loop),
        Some(_) if oflags & DIRECTORY != 0 => return Err(Errno::Notdir),
        Some(_) if oflags & (CREAT | EXCL) == CREAT | EXCL => return Err(Errno::Exist),
        None if oflags & CREAT == 0 => return Err(Errno::Noent),
        None if oflags & DIRECTORY != 0 || r.dir_syntax => return Err(Errno::Isdir),
        _ => OpenOptions {
            read: base & (FD_READ | FD_READDIR) != 0,
            // Not even opened for writing where the directory withholds the rights.
            write: base & granted & writes != 0,
            create: oflags & CREAT != 0,
            exclusive: oflags & EXCL != 0,
            truncate: oflags & TRUNC != 0,
        },
    };
    let file = ctx.mounts[mount].open(&r.path, options)?;
    ctx.insert(FdEntry {
        desc: Descriptor::File(OpenFile { file, pos: 0 }),
        rights: base & granted & REGULAR_FILE,
        inheriting: inheriting & granted,
        flags: fdflags as u16,
    })
}

fn create_directory(ctx: &mut WasiCtx, fd: u32, path: &[u8]) -> Result<(), Errno> {
    let (mount, _, r) = lookup(ctx, fd, PATH_CREATE_DIRECTORY, path, false)?;
    if r.stat.is_some() {
        return Err(Errno::Exist);
    }
    ctx.mounts[mount].create_dir(&r.path)
}

fn remove_directory(ctx: &mut WasiCtx, fd: u32, path: &[u8]) -> Result<(), Errno> {
    let (mount, base, r) = lookup(ctx, fd, PATH_REMOVE_DIRECTORY, path, false)?;
    if r.existing()?.filetype != FileType::Directory {
        return Err(Errno::Notdir);
    }
    // The descriptor's own directory stays: POSIX refuses `rmdir(".")` too.
    if r.path == base {
        return Err(Errno::Inval);
    }
    ctx.mounts[mount].remove_dir(&r.path)
}

fn unlink_file(ctx: &mut WasiCtx, fd: u32, path: &[u8]) -> Result<(), Errno> {
    let (mount, _, r) = lookup(ctx, fd, PATH_UNLINK_FILE, path, false)?;
    if r.existing()?.filetype == FileType::Directory {
        return Err(Errno::Isdir);
    }
    ctx.mounts[mount].remove_file(&r.path)
}

fn set_times(
    ctx: &mut WasiCtx,
    fd: u32,
    flags: u32,
    path: &[u8],
    atim: u64,
    mtim: u64,
    fst: u32,
) -> Result<(), Errno> {
    let (mount, _, r) = lookup(ctx, fd, PATH_FILESTAT_SET_TIMES, path, flags & FOLLOW != 0)?;
    r.existing()?;
    let (a, m) = times(ctx, atim, mtim, fst)?;
    ctx.mounts[mount].set_times(&r.path, a, m)
}

fn symlink(ctx: &mut WasiCtx, target: &[u8], fd: u32, path: &[u8]) -> Result<(), Errno> {
    let target = core::str::from_utf8(target).map_err(|_| Errno::Ilseq)?;
    if target.is_empty() {
        return Err(Errno::Noent);
    }
    if target.contains('\0') {
        return Err(Errno::Ilseq);
    }
    // Such a link could never be followed inside the sandbox; refusing it also keeps
    // the host's own tools from following it out of the preopened directory later.
    if target.starts_with('/') {
        return Err(Errno::Notcapable);
    }
    let (mount, _, r) = lookup(ctx, fd, PATH_SYMLINK, path, false)?;
    if r.stat.is_some() {
        return Err(Errno::Exist);
    }
    if r.dir_syntax {
        return Err(Errno::Noent);
    }
    ctx.mounts[mount].symlink(target, &r.path)
}

fn link(
    ctx: &mut WasiCtx,
    fd: u32,
    flags: u32,
    old: &[u8],
    new_fd: u32,
    new: &[u8],
) -> Result<(), Errno> {
    let (mount, _, from) = lookup(ctx, fd, PATH_LINK_SOURCE, old, flags & FOLLOW != 0)?;
    let (new_mount, _, to) = lookup(ctx, new_fd, PATH_LINK_TARGET, new, false)?;
    if mount != new_mount {
        return Err(Errno::Xdev);
    }
    if from.existing()?.filetype == FileType::Directory {
        return Err(Errno::Perm);
    }
    if to.stat.is_some() {
        return Err(Errno::Exist);
    }
    if to.dir_syntax {
        return Err(Errno::Noent);
    }
    ctx.mounts[mount].hard_link(&from.path, &to.path)
}

fn rename(ctx: &mut WasiCtx, fd: u32, old: &[u8], new_fd: u32, new: &[u8]) -> Result<(), Errno> {
    let (mount, base, from) = lookup(ctx, fd, PATH_RENAME_SOURCE, old, false)?;
    let (new_mount, new_base, to) = lookup(ctx, new_fd, PATH_RENAME_TARGET, new, false)?;
    if mount != new_mount {
        return Err(Errno::Xdev);
    }
    let moving_dir = from.existing()?.filetype == FileType::Directory;
    if from.path == base || to.path == new_base {
        return Err(Errno::Busy);
    }
    match (moving_dir, to.stat.map(|s| s.filetype)) {
        (true, Some(t)) if t != FileType::Directory => return Err(Errno::Notdir),
        (false, Some(FileType::Directory)) => return Err(Errno::Isdir),
        (false, _) if to.dir_syntax || from.dir_syntax => return Err(Errno::Notdir),
        _ => {}
    }
    ctx.mounts[mount].rename(&from.path, &to.path)
}

pub(super) fn define<T: 'static>(
    linker: &mut Linker<T>,
    get: GetCtx<T>,
) -> Result<(), wisp::Error> {
    linker.func_wrap(
        MODULE,
        "path_open",
        move |mut c: Caller<'_, T>,
              fd: u32,
              dirflags: u32,
              path: u32,
              len: u32,
              oflags: u32,
              base: u64,
              inheriting: u64,
              fdflags: u32,
              out: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let path = env.bytes(path, len)?;
                // The result's slot must be writable before a descriptor is made.
                env.write_u32(out, 0)?;
                let new = open(
                    env.ctx(),
                    fd,
                    dirflags,
                    &path,
                    oflags,
                    base,
                    inheriting,
                    fdflags,
                )?;
                env.write_u32(out, new)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_create_directory",
        move |mut c: Caller<'_, T>, fd: u32, p: u32, l: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let path = env.bytes(p, l)?;
                create_directory(env.ctx(), fd, &path)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_remove_directory",
        move |mut c: Caller<'_, T>, fd: u32, p: u32, l: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let path = env.bytes(p, l)?;
                remove_directory(env.ctx(), fd, &path)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_unlink_file",
        move |mut c: Caller<'_, T>, fd: u32, p: u32, l: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let path = env.bytes(p, l)?;
                unlink_file(env.ctx(), fd, &path)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_filestat_get",
        move |mut c: Caller<'_, T>, fd: u32, flags: u32, p: u32, l: u32, out: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let path = env.bytes(p, l)?;
                let follow = flags & FOLLOW != 0;
                let (_, _, r) = lookup(env.ctx(), fd, PATH_FILESTAT_GET, &path, follow)?;
                let st = r.existing()?;
                env.write(out, &st.to_bytes())
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_filestat_set_times",
        move |mut c: Caller<'_, T>,
              fd: u32,
              flags: u32,
              p: u32,
              l: u32,
              atim: u64,
              mtim: u64,
              fst: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let path = env.bytes(p, l)?;
                set_times(env.ctx(), fd, flags, &path, atim, mtim, fst)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_readlink",
        move |mut c: Caller<'_, T>, fd: u32, p: u32, l: u32, buf: u32, len: u32, out: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let path = env.bytes(p, l)?;
                let (mount, _, r) = lookup(env.ctx(), fd, PATH_READLINK, &path, false)?;
                if r.existing()?.filetype != FileType::SymbolicLink {
                    return Err(Errno::Inval);
                }
                let target = env.ctx().mounts[mount].read_link(&r.path)?;
                // Cut to the buffer, as POSIX readlink does.
                let n = target.len().min(len as usize);
                env.write(buf, &target.as_bytes()[..n])?;
                env.write_u32(out, n as u32)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_symlink",
        move |mut c: Caller<'_, T>, old: u32, old_len: u32, fd: u32, p: u32, l: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let target = env.bytes(old, old_len)?;
                let path = env.bytes(p, l)?;
                symlink(env.ctx(), &target, fd, &path)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_rename",
        move |mut c: Caller<'_, T>, fd: u32, p: u32, l: u32, new_fd: u32, np: u32, nl: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let old = env.bytes(p, l)?;
                let new = env.bytes(np, nl)?;
                rename(env.ctx(), fd, &old, new_fd, &new)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_link",
        move |mut c: Caller<'_, T>,
              fd: u32,
              flags: u32,
              p: u32,
              l: u32,
              new_fd: u32,
              np: u32,
              nl: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let old = env.bytes(p, l)?;
                let new = env.bytes(np, nl)?;
                link(env.ctx(), fd, flags, &old, new_fd, &new)
            }))
        },
    )?;
    Ok(())
}
