//! Reading, writing and seeking: `fd_read`, `fd_write`, `fd_pread`, `fd_pwrite`,
//! `fd_seek`, `fd_tell`.
//!
//! A file descriptor keeps its own position; `O_APPEND` sends `fd_write` to the end,
//! while `fd_pwrite` writes where it is told, as POSIX specifies (and the WASI test suite
//! expects). A stream has no position: the positioned calls get `ESPIPE`. One call moves
//! at most [`MAX_TRANSFER`] bytes, however the iovecs add up, so that a program cannot
//! make the host allocate more than its own memory holds.

use super::{ret, Env, GetCtx};
use crate::ctx::{Descriptor, FdEntry};
use crate::rights::*;
use crate::{Errno, MODULE};
use alloc::vec;
use alloc::vec::Vec;
use wisp::{Caller, Linker};

/// The most one read or write moves; a short count tells the program to go on.
const MAX_TRANSFER: usize = 16 << 20;
/// preview1 `fdflags::append`.
const APPEND: u16 = 1;

fn read_desc(e: &mut FdEntry, len: usize, at: Option<u64>) -> Result<Vec<u8>, Errno> {
    let mut buf = vec![0u8; len];
    let n = match &mut e.desc {
        Descriptor::Stream(_) if at.is_some() => return Err(Errno::Spipe),
        Descriptor::Stream(s) => s.read(&mut buf)?,
        Descriptor::File(f) => {
            let start = at.unwrap_or(f.pos);
            let mut n = 0;
            while n < len {
                let got = f.file.read_at(&mut buf[n..], start + n as u64)?;
                if got == 0 {
                    break;
                }
                n += got;
            }
            if at.is_none() {
                f.pos = start + n as u64;
            }
            n
        }
        Descriptor::Dir(_) => return Err(Errno::Isdir),
    };
    buf.truncate(n);
    Ok(buf)
}

fn write_desc(e: &mut FdEntry, data: &[u8], at: Option<u64>) -> Result<usize, Errno> {
    let append = e.flags & APPEND != 0;
    match &mut e.desc {
        Descriptor::Stream(_) if at.is_some() => Err(Errno::Spipe),
        Descriptor::Stream(s) => s.write(data),
        Descriptor::File(f) => {
            let start = match at {
                Some(offset) => offset,
                None if append => f.file.stat()?.size,
                None => f.pos,
            };
            let mut n = 0;
            while n < data.len() {
                let put = f.file.write_at(&data[n..], start + n as u64)?;
                if put == 0 {
                    return Err(Errno::Io);
                }
                n += put;
            }
            if at.is_none() {
                f.pos = start + n as u64;
            }
            Ok(n)
        }
        Descriptor::Dir(_) => Err(Errno::Isdir),
    }
}

/// `fd_write` and `fd_pwrite`.
fn write<T>(
    env: &mut Env<'_, '_, T>,
    fd: u32,
    iovs: u32,
    n: u32,
    at: Option<u64>,
    out: u32,
) -> Result<(), Errno> {
    let right = if at.is_some() {
        FD_WRITE | FD_SEEK
    } else {
        FD_WRITE
    };
    env.ctx().fd(fd)?.require(right)?;
    // Gather first: the context and the memory both live in the store.
    let data = {
        let mut mem = env.mem();
        let mut data = Vec::new();
        for (ptr, len) in mem.iovecs(iovs, n)? {
            // The whole buffer must lie in memory, even the part past the transfer limit.
            mem.check(ptr, len)?;
            let take = (len as usize).min(MAX_TRANSFER - data.len());
            let at = data.len();
            data.resize(at + take, 0);
            mem.read_into(ptr, &mut data[at..])?;
        }
        data
    };
    let written = write_desc(env.ctx().fd(fd)?, &data, at)?;
    env.write_u32(out, written as u32)
}

/// `fd_read` and `fd_pread`.
fn read<T>(
    env: &mut Env<'_, '_, T>,
    fd: u32,
    iovs: u32,
    n: u32,
    at: Option<u64>,
    out: u32,
) -> Result<(), Errno> {
    let right = if at.is_some() {
        FD_READ | FD_SEEK
    } else {
        FD_READ
    };
    env.ctx().fd(fd)?.require(right)?;
    let bufs = {
        let mut mem = env.mem();
        let list = mem.iovecs(iovs, n)?;
        // Every buffer must lie in memory before anything is read into it.
        for (ptr, len) in &list {
            mem.check(*ptr, *len)?;
        }
        list
    };
    let want = bufs
        .iter()
        .fold(0usize, |sum, b| sum.saturating_add(b.1 as usize))
        .min(MAX_TRANSFER);
    let data = read_desc(env.ctx().fd(fd)?, want, at)?;
    let mut mem = env.mem();
    let mut rest = &data[..];
    for (ptr, len) in bufs {
        let take = rest.len().min(len as usize);
        mem.write(ptr, &rest[..take])?;
        rest = &rest[take..];
    }
    env.write_u32(out, data.len() as u32)
}

/// `fd_seek`: the new position.
fn seek(e: &mut FdEntry, offset: i64, whence: u32) -> Result<u64, Errno> {
    let f = match &mut e.desc {
        Descriptor::File(f) => f,
        Descriptor::Stream(_) => return Err(Errno::Spipe),
        Descriptor::Dir(_) => return Err(Errno::Badf),
    };
    let from = match whence {
        0 => 0,
        1 => f.pos,
        2 => f.file.stat()?.size,
        _ => return Err(Errno::Inval),
    };
    let to = i128::from(from) + i128::from(offset);
    f.pos = u64::try_from(to).map_err(|_| Errno::Inval)?;
    Ok(f.pos)
}

pub(super) fn define<T: 'static>(
    linker: &mut Linker<T>,
    get: GetCtx<T>,
) -> Result<(), wisp::Error> {
    linker.func_wrap(
        MODULE,
        "fd_write",
        move |mut c: Caller<'_, T>, fd: u32, iovs: u32, n: u32, out: u32| {
            ret(Env::new(&mut c, get).and_then(|mut e| write(&mut e, fd, iovs, n, None, out)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_pwrite",
        move |mut c: Caller<'_, T>, fd: u32, iovs: u32, n: u32, at: u64, out: u32| {
            ret(Env::new(&mut c, get).and_then(|mut e| write(&mut e, fd, iovs, n, Some(at), out)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_read",
        move |mut c: Caller<'_, T>, fd: u32, iovs: u32, n: u32, out: u32| {
            ret(Env::new(&mut c, get).and_then(|mut e| read(&mut e, fd, iovs, n, None, out)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_pread",
        move |mut c: Caller<'_, T>, fd: u32, iovs: u32, n: u32, at: u64, out: u32| {
            ret(Env::new(&mut c, get).and_then(|mut e| read(&mut e, fd, iovs, n, Some(at), out)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_seek",
        move |mut c: Caller<'_, T>, fd: u32, offset: i64, whence: u32, out: u32| {
            // Asking for the position (offset 0 from the current one) needs only `fd_tell`.
            let right = if offset == 0 && whence == 1 {
                FD_TELL
            } else {
                FD_SEEK
            };
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let e = env.ctx().fd(fd)?;
                e.require(right)?;
                let pos = seek(e, offset, whence)?;
                env.write(out, &pos.to_le_bytes())
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_tell",
        move |mut c: Caller<'_, T>, fd: u32, out: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let e = env.ctx().fd(fd)?;
                e.require(FD_TELL)?;
                let pos = seek(e, 0, 1)?;
                env.write(out, &pos.to_le_bytes())
            }))
        },
    )?;
    Ok(())
}
