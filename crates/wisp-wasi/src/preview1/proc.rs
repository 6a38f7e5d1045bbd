//! Clocks, randomness, scheduling and exit.

use super::{memory, ret, GetCtx};
use crate::mem::GuestMemory;
use crate::{ClockId, Errno, MODULE};
use alloc::vec;
use wisp::{Caller, Error, Linker};

pub(super) fn define<T: 'static>(
    linker: &mut Linker<T>,
    get: GetCtx<T>,
) -> Result<(), wisp::Error> {
    linker.func_wrap(
        MODULE,
        "clock_res_get",
        move |mut c: Caller<'_, T>, id: u32, out: u32| {
            let r = ClockId::from_raw(id)
                .ok_or(Errno::Inval)
                .and_then(|id| get(c.data_mut()).clock.resolution(id));
            ret(r.and_then(|v| {
                let m = memory(&c)?;
                GuestMemory::new(m, c.store()).write_u64(out, v)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "clock_time_get",
        move |mut c: Caller<'_, T>, id: u32, _precision: u64, out: u32| {
            let r = ClockId::from_raw(id)
                .ok_or(Errno::Inval)
                .and_then(|id| get(c.data_mut()).clock.now(id));
            ret(r.and_then(|v| {
                let m = memory(&c)?;
                GuestMemory::new(m, c.store()).write_u64(out, v)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "random_get",
        move |mut c: Caller<'_, T>, buf: u32, len: u32| {
            let r = (|| {
                let m = memory(&c)?;
                // Check the buffer before allocating: `len` is the program's to choose.
                GuestMemory::new(m, c.store()).check(buf, len)?;
                let mut bytes = vec![0u8; len as usize];
                get(c.data_mut()).random.fill(&mut bytes)?;
                GuestMemory::new(m, c.store()).write(buf, &bytes)
            })();
            ret(r)
        },
    )?;
    linker.func_wrap(MODULE, "sched_yield", || -> Result<i32, Error> {
        Ok(Errno::Success.raw())
    })?;
    linker.func_wrap(MODULE, "proc_exit", |code: u32| -> Result<(), Error> {
        Err(Error::Exit(code as i32))
    })?;
    // Signals are not part of what a sandboxed program can do to its host.
    linker.func_wrap(MODULE, "proc_raise", |_sig: u32| ret(Err(Errno::Nosys)))?;
    // Sockets exist in preview1 only when the embedder hands them over, which it cannot
    // yet: every open descriptor is something else.
    let not_a_socket = |ctx: &mut crate::WasiCtx, fd: u32| ctx.fd(fd).and(Err(Errno::Notsock));
    linker.func_wrap(
        MODULE,
        "sock_accept",
        move |mut c: Caller<'_, T>, fd: u32, _flags: u32, _out: u32| {
            ret(not_a_socket(get(c.data_mut()), fd))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "sock_recv",
        move |mut c: Caller<'_, T>,
              fd: u32,
              _d: u32,
              _n: u32,
              _flags: u32,
              _len: u32,
              _oflags: u32| { ret(not_a_socket(get(c.data_mut()), fd)) },
    )?;
    linker.func_wrap(
        MODULE,
        "sock_send",
        move |mut c: Caller<'_, T>, fd: u32, _d: u32, _n: u32, _flags: u32, _len: u32| {
            ret(not_a_socket(get(c.data_mut()), fd))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "sock_shutdown",
        move |mut c: Caller<'_, T>, fd: u32, _how: u32| ret(not_a_socket(get(c.data_mut()), fd)),
    )?;
    Ok(())
}
