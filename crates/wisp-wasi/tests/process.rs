//! The functions outside the filesystem, called one by one with exact arguments: args,
//! environment, clocks, randomness, scheduling, signals, sockets and polling.

mod guest;

use guest::*;
use wisp::Val;
use wisp_wasi::{Clock, ClockId, Errno, MemFs, WasiCtx};

struct Ticking;
impl Clock for Ticking {
    fn now(&self, id: ClockId) -> Result<u64, Errno> {
        match id {
            ClockId::Realtime => Ok(1_000),
            ClockId::Monotonic => Ok(2_000),
            _ => Err(Errno::Inval),
        }
    }
    fn resolution(&self, id: ClockId) -> Result<u64, Errno> {
        match id {
            ClockId::Realtime | ClockId::Monotonic => Ok(10),
            _ => Err(Errno::Inval),
        }
    }
}

fn two_out(g: &mut Guest, name: &str) -> (i32, u32, u32) {
    let a = g.room(4);
    let b = g.room(4);
    let e = g.call_keep(name, &[Val::I32(a), Val::I32(b)]);
    (e, g.u32_at(a), g.u32_at(b))
}

#[test]
fn args_and_environment() {
    let ctx = WasiCtx::builder()
        .args(["prog", "one", "zwei"])
        .env("A", "1")
        .env("LANG", "C")
        .build();
    let mut g = Guest::new(ctx);
    assert_eq!(two_out(&mut g, "args_sizes_get"), (0, 3, 14));
    assert_eq!(two_out(&mut g, "environ_sizes_get"), (0, 2, 11));
    let (ptrs, buf) = (100, 200);
    assert_eq!(g.call("args_get", &[Val::I32(ptrs), Val::I32(buf)]), 0);
    assert_eq!(g.get(buf, 14), b"prog\0one\0zwei\0");
    assert_eq!(g.u32_at(ptrs + 4), buf as u32 + 5);
    assert_eq!(g.call("environ_get", &[Val::I32(ptrs), Val::I32(buf)]), 0);
    assert_eq!(g.get(buf, 11), b"A=1\0LANG=C\0");
    assert_eq!(g.u32_at(ptrs + 4), buf as u32 + 4);
}

#[test]
fn clocks_randomness_and_scheduling() {
    let mut g = Guest::new(WasiCtx::builder().clock(Ticking).build());
    let out = g.room(8);
    let res = |g: &mut Guest, id: i32| g.call_keep("clock_res_get", &[Val::I32(id), Val::I32(out)]);
    assert_eq!(res(&mut g, 1), 0);
    assert_eq!(g.u64_at(out), 10);
    assert_eq!(res(&mut g, 2), EINVAL, "the backend has no CPU clock");
    assert_eq!(res(&mut g, 7), EINVAL, "no such clock");
    let now = g.call_keep("clock_time_get", &[Val::I32(0), Val::I64(1), Val::I32(out)]);
    assert_eq!((now, g.u64_at(out)), (0, 1_000));
    assert_eq!(g.call("sched_yield", &[]), 0);
    assert_eq!(
        g.call("proc_raise", &[Val::I32(6)]),
        52,
        "ENOSYS: no signals"
    );
    // Without a randomness backend, random_get refuses rather than make bytes up.
    assert_eq!(g.call("random_get", &[Val::I32(64), Val::I32(8)]), 52);
}

#[test]
fn sockets_are_not_there() {
    let ctx = WasiCtx::builder().preopen(MemFs::new(), "/d").build();
    let mut g = Guest::new(ctx);
    let file = g.open(3, "f", CREAT).unwrap();
    for fd in [1, 3, file as i32] {
        let out = g.room(8);
        let accept = g.call("sock_accept", &[Val::I32(fd), Val::I32(0), Val::I32(out)]);
        assert_eq!(accept, 57, "sock_accept on {fd}: ENOTSOCK");
        let recv = g.call(
            "sock_recv",
            &[
                Val::I32(fd),
                Val::I32(0),
                Val::I32(0),
                Val::I32(0),
                Val::I32(out),
                Val::I32(out + 4),
            ],
        );
        assert_eq!(recv, 57);
        let send = g.call(
            "sock_send",
            &[
                Val::I32(fd),
                Val::I32(0),
                Val::I32(0),
                Val::I32(0),
                Val::I32(out),
            ],
        );
        assert_eq!(send, 57);
        assert_eq!(g.call("sock_shutdown", &[Val::I32(fd), Val::I32(1)]), 57);
    }
    assert_eq!(g.call("sock_shutdown", &[Val::I32(9), Val::I32(1)]), EBADF);
}

#[test]
fn poll_reports_files_ready() {
    let ctx = WasiCtx::builder().preopen(MemFs::new(), "/d").build();
    let mut g = Guest::new(ctx);
    let file = g.open(3, "f", CREAT).unwrap();
    // One fd_read subscription on the file (userdata 7), one on a closed descriptor (8).
    let mut subs = vec![0u8; 96];
    subs[0..8].copy_from_slice(&7u64.to_le_bytes());
    subs[8] = 1;
    subs[16..20].copy_from_slice(&file.to_le_bytes());
    subs[48..56].copy_from_slice(&8u64.to_le_bytes());
    subs[56] = 1;
    subs[64..68].copy_from_slice(&40u32.to_le_bytes());
    let s = g.put(&subs);
    let events = g.room(64);
    let n = g.room(4);
    let e = g.call_keep(
        "poll_oneoff",
        &[Val::I32(s), Val::I32(events), Val::I32(2), Val::I32(n)],
    );
    assert_eq!((e, g.u32_at(n)), (0, 2));
    let ev = g.get(events, 64);
    assert_eq!(
        (ev[0], ev[8], ev[10]),
        (7, 0, 1),
        "the file is ready to read"
    );
    assert_eq!(
        (ev[32], ev[40]),
        (8, EBADF as u8),
        "the closed descriptor is an error"
    );
}
