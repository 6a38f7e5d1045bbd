//! The descriptor table: `fd_close`, `fd_renumber`, `fd_fdstat_get`,
//! `fd_fdstat_set_flags`, `fd_fdstat_set_rights`, `fd_prestat_get`,
//! `fd_prestat_dir_name`.

use super::{ret, Env, GetCtx};
use crate::ctx::Descriptor;
use crate::fs::FileType;
use crate::rights::*;
use crate::{Errno, WasiCtx, MODULE};
use wisp::{Caller, Linker};

fn fdstat(ctx: &mut WasiCtx, fd: u32) -> Result<[u8; 24], Errno> {
    let e = ctx.fd(fd)?;
    let filetype = match e.desc {
        Descriptor::Stream(_) => FileType::CharacterDevice,
        Descriptor::File(_) => FileType::RegularFile,
        Descriptor::Dir(_) => FileType::Directory,
    };
    // struct fdstat { filetype: u8, flags: u16 @2, rights_base: u64 @8, inheriting: u64 @16 }
    let mut buf = [0u8; 24];
    buf[0] = filetype as u8;
    buf[2..4].copy_from_slice(&e.flags.to_le_bytes());
    buf[8..16].copy_from_slice(&e.rights.to_le_bytes());
    buf[16..24].copy_from_slice(&e.inheriting.to_le_bytes());
    Ok(buf)
}

fn set_flags(ctx: &mut WasiCtx, fd: u32, flags: u32) -> Result<(), Errno> {
    let e = ctx.fd(fd)?;
    e.require(FD_FDSTAT_SET_FLAGS)?;
    // append, dsync, nonblock, rsync, sync: five flag bits.
    e.flags = u16::try_from(flags)
        .ok()
        .filter(|f| f & !0x1f == 0)
        .ok_or(Errno::Inval)?;
    Ok(())
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

/// The name a preopened directory was given; other descriptors have none (`EBADF`, which
/// ends a program's scan of the preopens).
fn preopen_name(ctx: &mut WasiCtx, fd: u32) -> Result<&str, Errno> {
    match &ctx.fd(fd)?.desc {
        Descriptor::Dir(d) => d.preopen.as_deref().ok_or(Errno::Badf),
        _ => Err(Errno::Badf),
    }
}

pub(super) fn define<T: 'static>(
    linker: &mut Linker<T>,
    get: GetCtx<T>,
) -> Result<(), wisp::Error> {
    linker.func_wrap(MODULE, "fd_close", move |mut c: Caller<'_, T>, fd: u32| {
        let ctx = get(c.data_mut());
        ret(ctx.fd(fd).map(|_| ()).map(|()| ctx.fds[fd as usize] = None))
    })?;
    linker.func_wrap(
        MODULE,
        "fd_renumber",
        move |mut c: Caller<'_, T>, from: u32, to: u32| ret(renumber(get(c.data_mut()), from, to)),
    )?;
    linker.func_wrap(
        MODULE,
        "fd_fdstat_get",
        move |mut c: Caller<'_, T>, fd: u32, out: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let stat = fdstat(env.ctx(), fd)?;
                env.write(out, &stat)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_fdstat_set_flags",
        move |mut c: Caller<'_, T>, fd: u32, flags: u32| {
            ret(set_flags(get(c.data_mut()), fd, flags))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_fdstat_set_rights",
        move |mut c: Caller<'_, T>, fd: u32, base: u64, inheriting: u64| {
            ret(set_rights(get(c.data_mut()), fd, base, inheriting))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_prestat_get",
        move |mut c: Caller<'_, T>, fd: u32, out: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let len = preopen_name(env.ctx(), fd)?.len() as u32;
                // struct prestat { tag: u8 (0 = directory), name_len: u32 @4 }
                let mut buf = [0u8; 8];
                buf[4..8].copy_from_slice(&len.to_le_bytes());
                env.write(out, &buf)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_prestat_dir_name",
        move |mut c: Caller<'_, T>, fd: u32, path: u32, len: u32| {
            ret(Env::new(&mut c, get).and_then(|mut env| {
                let name = preopen_name(env.ctx(), fd)?.as_bytes().to_vec();
                if name.len() > len as usize {
                    return Err(Errno::Nametoolong);
                }
                env.write(path, &name)
            }))
        },
    )?;
    Ok(())
}
