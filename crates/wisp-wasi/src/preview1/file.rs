//! What a descriptor is and holds: `fd_filestat_get`, `fd_filestat_set_size`,
//! `fd_filestat_set_times`, `fd_sync`, `fd_datasync`, `fd_advise`, `fd_allocate`,
//! `fd_readdir`.
//!
//! Streams answer as a pipe does under POSIX: no size, no times, `EINVAL` for sync and
//! resize, `ESPIPE` for advice and allocation.

use super::{ret, Env, GetCtx};
use crate::ctx::{Descriptor, FdEntry};
use crate::fs::resolve::check_base;
use crate::fs::{FileType, Filestat};
use crate::rights::*;
use crate::{ClockId, Errno, WasiCtx, MODULE};
use alloc::vec::Vec;
use wisp::{Caller, Linker};

/// preview1 `fstflags`.
const ATIM: u32 = 1;
const ATIM_NOW: u32 = 2;
const MTIM: u32 = 4;
const MTIM_NOW: u32 = 8;
/// A `dirent` header: `d_next: u64, d_ino: u64, d_namlen: u32, d_type: u8`, padded.
const DIRENT: usize = 24;

pub(super) fn filestat(ctx: &mut WasiCtx, fd: u32) -> Result<Filestat, Errno> {
    let e = ctx.fd(fd)?;
    match e.require(FD_FILESTAT_GET)? {
        Descriptor::Stream(_) => Ok(Filestat {
            dev: 0,
            ino: 0,
            filetype: FileType::CharacterDevice,
            nlink: 1,
            size: 0,
            atim: 0,
            mtim: 0,
            ctim: 0,
        }),
        Descriptor::File(f) => f.file.stat(),
        Descriptor::Dir(d) => {
            let (mount, path) = (d.mount, d.path.clone());
            let fs = &mut *ctx.mounts[mount];
            check_base(fs, &path)?;
            fs.stat(&path)
        }
    }
}

/// The times `fst_flags` asks for, reading the clock for the `*_NOW` ones.
pub(super) fn times(
    ctx: &WasiCtx,
    atim: u64,
    mtim: u64,
    flags: u32,
) -> Result<(Option<u64>, Option<u64>), Errno> {
    if flags & !0xf != 0 || flags & (ATIM | ATIM_NOW) == ATIM | ATIM_NOW {
        return Err(Errno::Inval);
    }
    if flags & (MTIM | MTIM_NOW) == MTIM | MTIM_NOW {
        return Err(Errno::Inval);
    }
    let now = if flags & (ATIM_NOW | MTIM_NOW) != 0 {
        ctx.clock.now(ClockId::Realtime)?
    } else {
        0
    };
    let pick = |set: u32, set_now: u32, value: u64| match flags {
        f if f & set != 0 => Some(value),
        f if f & set_now != 0 => Some(now),
        _ => None,
    };
    Ok((pick(ATIM, ATIM_NOW, atim), pick(MTIM, MTIM_NOW, mtim)))
}

fn set_times(ctx: &mut WasiCtx, fd: u32, atim: u64, mtim: u64, flags: u32) -> Result<(), Errno> {
    ctx.fd(fd)?.require(FD_FILESTAT_SET_TIMES)?;
    let (a, m) = times(ctx, atim, mtim, flags)?;
    match &mut ctx.fd(fd)?.desc {
        Descriptor::Stream(_) => Err(Errno::Inval),
        Descriptor::File(f) => f.file.set_times(a, m),
        Descriptor::Dir(d) => {
            let (mount, path) = (d.mount, d.path.clone());
            let fs = &mut *ctx.mounts[mount];
            check_base(fs, &path)?;
            fs.set_times(&path, a, m)
        }
    }
}

/// Runs `op` on a file, after the right; streams and directories get `other`.
fn on_file(
    ctx: &mut WasiCtx,
    fd: u32,
    right: u64,
    stream: Errno,
    op: impl FnOnce(&mut crate::ctx::OpenFile) -> Result<(), Errno>,
) -> Result<(), Errno> {
    match ctx.fd(fd)?.require(right)? {
        Descriptor::Stream(_) => Err(stream),
        Descriptor::File(f) => op(f),
        Descriptor::Dir(_) => Err(Errno::Isdir),
    }
}

fn sync(ctx: &mut WasiCtx, fd: u32, right: u64) -> Result<(), Errno> {
    match ctx.fd(fd)?.require(right)? {
        Descriptor::Stream(_) => Err(Errno::Inval),
        Descriptor::File(f) => f.file.sync(),
        // Directory entries are written through by both backends.
        Descriptor::Dir(_) => Ok(()),
    }
}

/// The `dirent` records of a directory, from entry `cookie` on, as many as fit in `len`
/// bytes; the last may be cut short, which tells the program to call again.
fn readdir(ctx: &mut WasiCtx, fd: u32, len: u32, cookie: u64) -> Result<Vec<u8>, Errno> {
    let e: &mut FdEntry = ctx.fd(fd)?;
    let (mount, path) = match e.require(FD_READDIR)? {
        Descriptor::Dir(d) => (d.mount, d.path.clone()),
        _ => return Err(Errno::Notdir),
    };
    let fs = &mut *ctx.mounts[mount];
    check_base(fs, &path)?;
    let own = fs.stat(&path)?.ino;
    let entries = fs.read_dir(&path)?;
    let dots = [
        (".", own, FileType::Directory),
        ("..", 0, FileType::Directory),
    ];
    let all = dots
        .into_iter()
        .chain(entries.iter().map(|d| (d.name.as_str(), d.ino, d.filetype)));
    let mut out = Vec::new();
    let limit = len as usize;
    for (i, (name, ino, filetype)) in all.enumerate().skip(cookie.min(usize::MAX as u64) as usize) {
        if out.len() >= limit {
            break;
        }
        let mut rec = [0u8; DIRENT];
        rec[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        rec[8..16].copy_from_slice(&ino.to_le_bytes());
        rec[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
        rec[20] = filetype as u8;
        out.extend_from_slice(&rec);
        out.extend_from_slice(name.as_bytes());
    }
    out.truncate(limit);
    Ok(out)
}

pub(super) fn define<T: 'static>(
    linker: &mut Linker<T>,
    get: GetCtx<T>,
) -> Result<(), wisp::Error> {
    linker.func_wrap(
        MODULE,
        "fd_filestat_get",
        move |mut c: Caller<'_, T>, fd: u32, out: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let st = filestat(env.ctx(), fd)?;
                env.write(out, &st.to_bytes())
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_filestat_set_size",
        move |mut c: Caller<'_, T>, fd: u32, size: u64| {
            ret(on_file(
                get(c.data_mut()),
                fd,
                FD_FILESTAT_SET_SIZE,
                Errno::Inval,
                |f| f.file.set_size(size),
            ))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_filestat_set_times",
        move |mut c: Caller<'_, T>, fd: u32, atim: u64, mtim: u64, flags: u32| {
            ret(set_times(get(c.data_mut()), fd, atim, mtim, flags))
        },
    )?;
    linker.func_wrap(MODULE, "fd_sync", move |mut c: Caller<'_, T>, fd: u32| {
        ret(sync(get(c.data_mut()), fd, FD_SYNC))
    })?;
    linker.func_wrap(
        MODULE,
        "fd_datasync",
        move |mut c: Caller<'_, T>, fd: u32| ret(sync(get(c.data_mut()), fd, FD_DATASYNC)),
    )?;
    linker.func_wrap(
        MODULE,
        "fd_advise",
        move |mut c: Caller<'_, T>, fd: u32, _offset: u64, _len: u64, advice: u32| {
            ret(on_file(
                get(c.data_mut()),
                fd,
                FD_ADVISE,
                Errno::Spipe,
                |_| {
                    // normal, sequential, random, willneed, dontneed, noreuse: all hints.
                    if advice > 5 {
                        Err(Errno::Inval)
                    } else {
                        Ok(())
                    }
                },
            ))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_allocate",
        move |mut c: Caller<'_, T>, fd: u32, offset: u64, len: u64| {
            ret(on_file(
                get(c.data_mut()),
                fd,
                FD_ALLOCATE,
                Errno::Spipe,
                |f| {
                    let end = offset.checked_add(len).ok_or(Errno::Fbig)?;
                    if end > f.file.stat()?.size {
                        f.file.set_size(end)?;
                    }
                    Ok(())
                },
            ))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_readdir",
        move |mut c: Caller<'_, T>, fd: u32, buf: u32, len: u32, cookie: u64, out: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                // The buffer must be there before the directory is read.
                env.mem().check(buf, len)?;
                let bytes = readdir(env.ctx(), fd, len, cookie)?;
                env.write(buf, &bytes)?;
                env.write_u32(out, bytes.len() as u32)
            }))
        },
    )?;
    Ok(())
}
