//! File descriptors. So far the three stdio streams; preopened directories and files come
//! with the filesystem backends.

use super::{memory, ret, GetCtx};
use crate::ctx::Descriptor;
use crate::mem::{iovecs, slice, slice_mut, write_bytes, write_u32};
use crate::{Errno, MODULE};
use alloc::vec;
use alloc::vec::Vec;
use wisp::{Caller, Linker, Store};

/// Preview1 `filetype::character_device`: what a terminal or pipe looks like.
const CHARACTER_DEVICE: u8 = 2;
/// The rights a stream grants: `fd_read` (bit 1) and `fd_write` (bit 6), plus
/// `poll_fd_readwrite` (bit 27).
const RIGHT_READ: u64 = 1 << 1;
const RIGHT_WRITE: u64 = 1 << 6;
const RIGHT_POLL: u64 = 1 << 27;

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
    let written = match get(c.data_mut()).fd(fd).ok_or(Errno::Badf)? {
        Descriptor::Stream(s) if s.writable() => s.write(&data)?,
        Descriptor::Stream(_) => return Err(Errno::Badf),
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
    let mut total = 0u32;
    for (ptr, len) in bufs {
        let mut chunk = vec![0u8; len as usize];
        let got = match get(c.data_mut()).fd(fd).ok_or(Errno::Badf)? {
            Descriptor::Stream(s) if s.readable() => s.read(&mut chunk)?,
            Descriptor::Stream(_) => return Err(Errno::Badf),
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
    let rights = match get(c.data_mut()).fd(fd).ok_or(Errno::Badf)? {
        Descriptor::Stream(s) => {
            let r = if s.readable() { RIGHT_READ } else { 0 };
            let w = if s.writable() { RIGHT_WRITE } else { 0 };
            r | w | RIGHT_POLL
        }
    };
    // struct fdstat { filetype: u8, flags: u16 @2, rights_base: u64 @8, inheriting: u64 @16 }
    let mut buf = [0u8; 24];
    buf[0] = CHARACTER_DEVICE;
    buf[8..16].copy_from_slice(&rights.to_le_bytes());
    let m = memory(c)?;
    write_bytes(m.data_mut(c.store()), out, &buf)
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
        "fd_close",
        move |mut c: Caller<'_, T>, fd: u32| {
            let ctx = get(c.data_mut());
            ret(match ctx.fds.get_mut(fd as usize) {
                Some(slot @ Some(_)) => {
                    *slot = None;
                    Ok(())
                }
                _ => Err(Errno::Badf),
            })
        },
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
        "fd_seek",
        move |mut c: Caller<'_, T>, fd: u32, _offset: i64, _whence: u32, _out: u32| {
            // Streams cannot seek.
            ret(match get(c.data_mut()).fd(fd) {
                Some(Descriptor::Stream(_)) => Err(Errno::Spipe),
                None => Err(Errno::Badf),
            })
        },
    );
    // No preopened directories yet: the program's search for them ends at once.
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
