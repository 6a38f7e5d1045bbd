//! Clocks, randomness, scheduling and exit.

use super::{memory, ret, GetCtx};
use crate::mem::{slice_mut, write_u64};
use crate::{ClockId, Errno, MODULE};
use alloc::vec;
use wisp::{Caller, Error, Linker, Store};

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, store: &mut Store<T>, get: GetCtx<T>) {
    linker.func_wrap(
        store,
        MODULE,
        "clock_res_get",
        move |mut c: Caller<'_, T>, id: u32, out: u32| {
            let r = ClockId::from_raw(id)
                .ok_or(Errno::Inval)
                .and_then(|id| get(c.data_mut()).clock.resolution(id));
            ret(r.and_then(|v| {
                let m = memory(&c)?;
                write_u64(m.data_mut(c.store()), out, v)
            }))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "clock_time_get",
        move |mut c: Caller<'_, T>, id: u32, _precision: u64, out: u32| {
            let r = ClockId::from_raw(id)
                .ok_or(Errno::Inval)
                .and_then(|id| get(c.data_mut()).clock.now(id));
            ret(r.and_then(|v| {
                let m = memory(&c)?;
                write_u64(m.data_mut(c.store()), out, v)
            }))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "random_get",
        move |mut c: Caller<'_, T>, buf: u32, len: u32| {
            let r = (|| {
                let m = memory(&c)?;
                // Check the buffer before allocating: `len` is the program's to choose.
                slice_mut(m.data_mut(c.store()), buf, len)?;
                let mut bytes = vec![0u8; len as usize];
                get(c.data_mut()).random.fill(&mut bytes)?;
                slice_mut(m.data_mut(c.store()), buf, len)?.copy_from_slice(&bytes);
                Ok(())
            })();
            ret(r)
        },
    );
    linker.func_wrap(store, MODULE, "sched_yield", || -> Result<i32, Error> {
        Ok(Errno::Success.raw())
    });
    linker.func_wrap(
        store,
        MODULE,
        "proc_exit",
        |code: u32| -> Result<(), Error> { Err(Error::Exit(code as i32)) },
    );
}
