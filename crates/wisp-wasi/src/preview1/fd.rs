//! File descriptors. So far the stdio streams; files and preopened directories come with
//! the filesystem backends. Every operation checks its right first (`ENOTCAPABLE`), then
//! what the descriptor is: a stream cannot seek (`ESPIPE`) nor be synced (`EINVAL`), as
//! for a pipe or terminal under POSIX.

use super::{memory, ret, GetCtx};
use crate::ctx::Descriptor;
use crate::mem::{iovecs, slice, slice_mut, write_bytes, write_u32};
use crate::rights::*;
use crate::{Errno, WasiCtx, MODULE};
use alloc::vec;
use alloc::vec::Vec;
use wisp::{Caller, Linker, Store};

/// Preview1 `filetype::character_device`: what a terminal or pipe looks like.
pub(super) const CHARACTER_DEVICE: u8 = 2;

fn write_fd<T>(
    c: &mut Caller<'_, T>,
    get: GetCtx<T>,
    fd: u32,
    iovs: u32,
    n: u32,
    out: u32,
) -> Result<(), Errno> {
    let m = memory(c)?;
    // Gather first: the context and the memory both live in the store.
    let data: Vec<u8> = {
        let mem = m.data(c.store());
        let mut data = Vec::new();
        for (ptr, len) in iovecs(mem, iovs, n)? {
            data.extend_from_slice(slice(mem, ptr, len)?);
        }
        data
    };
    let written = match get(c.data_mut()).fd(fd)?.require(FD_WRITE)? {
        Descriptor::Stream(s) => s.write(&data)?,
    };
    write_u32(m.data_mut(c.store()), out, written as u32)
}

fn read_fd<T>(
    c: &mut Caller<'_, T>,
    get: GetCtx<T>,
    fd: u32,
    iovs: u32,
    n: u32,
    out: u32,
) -> Result<(), Errno> {
    let m = memory(c)?;
    let bufs = {
        let mem = m.data(c.store());
        let list = iovecs(mem, iovs, n)?;
        // Every buffer must lie in memory before anything is read into it.
        for (ptr, len) in &list {
            slice(mem, *ptr, *len)?;
        }
        list
    };
    get(c.data_mut()).fd(fd)?.require(FD_READ)?;
    let mut total = 0u32;
    for (ptr, len) in bufs {
        let mut chunk = vec![0u8; len as usize];
        let got = match get(c.data_mut()).fd(fd)?.require(FD_READ)? {
            Descriptor::Stream(s) => s.read(&mut chunk)?,
        };
        slice_mut(m.data_mut(c.store()), ptr, got as u32)?.copy_from_slice(&chunk[..got]);
        total += got as u32;
        // A short read ends the call, as a POSIX readv does.
        if got < len as usize {
            break;
        }
    }
    write_u32(m.data_mut(c.store()), out, total)
}

fn fdstat<T>(c: &mut Caller<'_, T>, get: GetCtx<T>, fd: u32, out: u32) -> Result<(), Errno> {
    let e = get(c.data_mut()).fd(fd)?;
    let filetype = match e.desc {
        Descriptor::Stream(_) => CHARACTER_DEVICE,
    };
    // struct fdstat { filetype: u8, flags: u16 @2, rights_base: u64 @8, inheriting: u64 @16 }
    let mut buf = [0u8; 24];
    buf[0] = filetype;
    buf[2..4].copy_from_slice(&e.flags.to_le_bytes());
    buf[8..16].copy_from_slice(&e.rights.to_le_bytes());
    buf[16..24].copy_from_slice(&e.inheriting.to_le_bytes());
    let m = memory(c)?;
    write_bytes(m.data_mut(c.store()), out, &buf)
}

fn filestat<T>(c: &mut Caller<'_, T>, get: GetCtx<T>, fd: u32, out: u32) -> Result<(), Errno> {
    let filetype = match get(c.data_mut()).fd(fd)?.require(FD_FILESTAT_GET)? {
        Descriptor::Stream(_) => CHARACTER_DEVICE,
    };
    // struct filestat { dev, ino: u64, filetype: u8 @16, nlink, size, atim, mtim, ctim: u64 }
    let mut buf = [0u8; 64];
    buf[16] = filetype;
    let m = memory(c)?;
    write_bytes(m.data_mut(c.store()), out, &buf)
}

/// An operation that a stream refuses with `refusal`, once `right` is checked.
fn stream_refuses(ctx: &mut WasiCtx, fd: u32, right: u64, refusal: Errno) -> Result<(), Errno> {
    match ctx.fd(fd)?.require(right)? {
        Descriptor::Stream(_) => Err(refusal),
    }
}

fn set_rights(ctx: &mut WasiCtx, fd: u32, base: u64, inheriting: u64) -> Result<(), Errno> {
    let e = ctx.fd(fd)?;
    // Rights can be dropped, never gained.
    if base & !e.rights != 0 || inheriting & !e.inheriting != 0 {
        return Err(Errno::Notcapable);
    }
    e.rights = base;
    e.inheriting = inheriting;
    Ok(())
}

fn renumber(ctx: &mut WasiCtx, from: u32, to: u32) -> Result<(), Errno> {
    ctx.fd(from)?;
    ctx.fd(to)?;
    if from != to {
        let moved = ctx.fds[from as usize].take();
        ctx.fds[to as usize] = moved;
    }
    Ok(())
}

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, store: &mut Store<T>, get: GetCtx<T>) {
    linker.func_wrap(
        store,
        MODULE,
        "fd_write",
        move |mut c: Caller<'_, T>, fd: u32, iovs: u32, n: u32, out: u32| {
            ret(write_fd(&mut c, get, fd, iovs, n, out))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_read",
        move |mut c: Caller<'_, T>, fd: u32, iovs: u32, n: u32, out: u32| {
            ret(read_fd(&mut c, get, fd, iovs, n, out))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_pread",
        move |mut c: Caller<'_, T>, fd: u32, _iovs: u32, _n: u32, _offset: u64, _out: u32| {
            ret(stream_refuses(
                get(c.data_mut()),
                fd,
                FD_READ | FD_SEEK,
                Errno::Spipe,
            ))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_pwrite",
        move |mut c: Caller<'_, T>, fd: u32, _iovs: u32, _n: u32, _offset: u64, _out: u32| {
            ret(stream_refuses(
                get(c.data_mut()),
                fd,
                FD_WRITE | FD_SEEK,
                Errno::Spipe,
            ))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_close",
        move |mut c: Caller<'_, T>, fd: u32| {
            let ctx = get(c.data_mut());
            ret(ctx.fd(fd).map(|_| ()).map(|()| ctx.fds[fd as usize] = None))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_renumber",
        move |mut c: Caller<'_, T>, from: u32, to: u32| ret(renumber(get(c.data_mut()), from, to)),
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_fdstat_get",
        move |mut c: Caller<'_, T>, fd: u32, out: u32| ret(fdstat(&mut c, get, fd, out)),
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_fdstat_set_flags",
        move |mut c: Caller<'_, T>, fd: u32, flags: u32| {
            let r = (|| {
                let e = get(c.data_mut()).fd(fd)?;
                e.require(FD_FDSTAT_SET_FLAGS)?;
                // append, dsync, nonblock, rsync, sync: five flag bits.
                e.flags = u16::try_from(flags)
                    .ok()
                    .filter(|f| f & !0x1f == 0)
                    .ok_or(Errno::Inval)?;
                Ok(())
            })();
            ret(r)
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_fdstat_set_rights",
        move |mut c: Caller<'_, T>, fd: u32, base: u64, inheriting: u64| {
            ret(set_rights(get(c.data_mut()), fd, base, inheriting))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_filestat_get",
        move |mut c: Caller<'_, T>, fd: u32, out: u32| ret(filestat(&mut c, get, fd, out)),
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_filestat_set_size",
        move |mut c: Caller<'_, T>, fd: u32, _size: u64| {
            ret(stream_refuses(
                get(c.data_mut()),
                fd,
                FD_FILESTAT_SET_SIZE,
                Errno::Inval,
            ))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_filestat_set_times",
        move |mut c: Caller<'_, T>, fd: u32, _atim: u64, _mtim: u64, _flags: u32| {
            ret(stream_refuses(
                get(c.data_mut()),
                fd,
                FD_FILESTAT_SET_TIMES,
                Errno::Inval,
            ))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_seek",
        move |mut c: Caller<'_, T>, fd: u32, offset: i64, whence: u32, _out: u32| {
            // Asking for the position (offset 0 from the current one) needs only `fd_tell`.
            let right = if offset == 0 && whence == 1 {
                FD_TELL
            } else {
                FD_SEEK
            };
            ret(stream_refuses(get(c.data_mut()), fd, right, Errno::Spipe))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_tell",
        move |mut c: Caller<'_, T>, fd: u32, _out: u32| {
            ret(stream_refuses(get(c.data_mut()), fd, FD_TELL, Errno::Spipe))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_advise",
        move |mut c: Caller<'_, T>, fd: u32, _offset: u64, _len: u64, _advice: u32| {
            ret(stream_refuses(
                get(c.data_mut()),
                fd,
                FD_ADVISE,
                Errno::Spipe,
            ))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_allocate",
        move |mut c: Caller<'_, T>, fd: u32, _offset: u64, _len: u64| {
            ret(stream_refuses(
                get(c.data_mut()),
                fd,
                FD_ALLOCATE,
                Errno::Spipe,
            ))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_sync",
        move |mut c: Caller<'_, T>, fd: u32| {
            ret(stream_refuses(get(c.data_mut()), fd, FD_SYNC, Errno::Inval))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_datasync",
        move |mut c: Caller<'_, T>, fd: u32| {
            ret(stream_refuses(
                get(c.data_mut()),
                fd,
                FD_DATASYNC,
                Errno::Inval,
            ))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "fd_readdir",
        move |mut c: Caller<'_, T>, fd: u32, _buf: u32, _len: u32, _cookie: u64, _out: u32| {
            ret(stream_refuses(
                get(c.data_mut()),
                fd,
                FD_READDIR,
                Errno::Notdir,
            ))
        },
    );
    // Only preopened directories have a prestat, and none can be given yet: a program's
    // search for them (fd 3, 4, … until EBADF) ends at once.
    linker.func_wrap(store, MODULE, "fd_prestat_get", |_fd: u32, _out: u32| {
        ret(Err(Errno::Badf))
    });
    linker.func_wrap(
        store,
        MODULE,
        "fd_prestat_dir_name",
        |_fd: u32, _path: u32, _len: u32| ret(Err(Errno::Badf)),
    );
}
