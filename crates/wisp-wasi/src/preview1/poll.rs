//! `poll_oneoff`: wait for clocks and descriptor readiness.
//!
//! Streams are reported ready at once (a blocking read or write then waits, as it would
//! for a terminal). Otherwise the call waits, through the clock backend, for the earliest
//! clock subscription and reports the ones due.

use super::{memory, ret, GetCtx};
use crate::mem::GuestMemory;
use crate::rights::POLL_FD_READWRITE;
use crate::{ClockId, Errno, WasiCtx, MODULE};
use alloc::vec::Vec;
use wisp::{Caller, Linker};

const SUBSCRIPTION: u32 = 48;
const EVENT: u32 = 32;
const TAG_CLOCK: u8 = 0;
const TAG_FD_READ: u8 = 1;
const TAG_FD_WRITE: u8 = 2;
const ABSTIME: u16 = 1;

struct Event {
    userdata: u64,
    error: Errno,
    tag: u8,
}

fn le64(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

/// Reads the subscriptions and decides which events happen.
fn events(ctx: &mut WasiCtx, subs: &[u8]) -> Vec<Event> {
    let mut ready = Vec::new();
    // (deadline in ns from now, userdata) of each valid clock subscription
    let mut clocks: Vec<(u64, u64)> = Vec::new();
    for s in subs.chunks_exact(SUBSCRIPTION as usize) {
        let userdata = le64(s, 0);
        let tag = s[8];
        match tag {
            TAG_CLOCK => {
                let id = u32::from_le_bytes([s[16], s[17], s[18], s[19]]);
                let timeout = le64(s, 24);
                let flags = u16::from_le_bytes([s[40], s[41]]);
                let wait = ClockId::from_raw(id).ok_or(Errno::Inval).and_then(|id| {
                    if flags & ABSTIME != 0 {
                        Ok(timeout.saturating_sub(ctx.clock.now(id)?))
                    } else {
                        Ok(timeout)
                    }
                });
                match wait {
                    Ok(ns) => clocks.push((ns, userdata)),
                    Err(error) => ready.push(Event {
                        userdata,
                        error,
                        tag,
                    }),
                }
            }
            TAG_FD_READ | TAG_FD_WRITE => {
                let fd = u32::from_le_bytes([s[16], s[17], s[18], s[19]]);
                let error = match ctx
                    .fd(fd)
                    .and_then(|e| e.require(POLL_FD_READWRITE).map(|_| ()))
                {
                    Ok(()) => Errno::Success,
                    Err(e) => e,
                };
                ready.push(Event {
                    userdata,
                    error,
                    tag,
                });
            }
            _ => ready.push(Event {
                userdata,
                error: Errno::Inval,
                tag,
            }),
        }
    }
    if ready.is_empty() {
        if let Some(min) = clocks.iter().map(|c| c.0).min() {
            ctx.clock.sleep(min);
            for (ns, userdata) in clocks {
                if ns <= min {
                    ready.push(Event {
                        userdata,
                        error: Errno::Success,
                        tag: TAG_CLOCK,
                    });
                }
            }
        }
    }
    ready
}

fn poll<T>(
    c: &mut Caller<'_, T>,
    get: GetCtx<T>,
    subs: u32,
    out: u32,
    n: u32,
    nout: u32,
) -> Result<(), Errno> {
    if n == 0 {
        return Err(Errno::Inval);
    }
    let m = memory(c)?;
    let subs = GuestMemory::new(m, c.store())
        .read(subs, n.checked_mul(SUBSCRIPTION).ok_or(Errno::Overflow)?)?;
    // The events area must hold one event per subscription before anything waits.
    GuestMemory::new(m, c.store()).check(out, n.checked_mul(EVENT).ok_or(Errno::Overflow)?)?;
    let evs = events(get(c.data_mut()), &subs);
    let mut mem = GuestMemory::new(m, c.store());
    for (i, e) in evs.iter().enumerate() {
        let mut b = [0u8; EVENT as usize];
        b[0..8].copy_from_slice(&e.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&(e.error as u16).to_le_bytes());
        b[10] = e.tag;
        mem.write(out + i as u32 * EVENT, &b)?;
    }
    mem.write_u32(nout, evs.len() as u32)
}

pub(super) fn define<T: 'static>(
    linker: &mut Linker<T>,
    get: GetCtx<T>,
) -> Result<(), wisp::Error> {
    linker.func_wrap(
        MODULE,
        "poll_oneoff",
        move |mut c: Caller<'_, T>, subs: u32, out: u32, n: u32, nout: u32| {
            ret(poll(&mut c, get, subs, out, n, nout))
        },
    )?;
    Ok(())
}
