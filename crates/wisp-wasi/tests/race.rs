//! Two programs racing over one preopened host directory (issue 13).
//!
//! Guest A keeps swapping `d` between a real directory and a symbolic link
//! `d -> ../outside`, which it made itself with `path_symlink` (a link's text is not
//! checked until it is followed). Guest B, in another thread with its own store and WASI
//! context over the same host directory, keeps opening `d/secret.txt`, or creating
//! `d/new.txt`. Resolution sees a directory, then the host call meets the link: unless
//! the backend works beneath a directory handle, some opens land outside.
//!
//! `WISP_RACE_OPENS` sets how many opens each variant makes (the issue asks for 0 leaks
//! in 1,000,000); the default keeps `cargo test` quick.

mod guest;

use guest::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;
use wisp_wasi::WasiCtx;

const DIR: u32 = 3;
const OUTSIDE: &[u8] = b"OUTSIDE: never to be read through the sandbox";
const INSIDE: &[u8] = b"inside";
const DEFAULT_OPENS: u64 = 100_000;

fn opens() -> u64 {
    std::env::var("WISP_RACE_OPENS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_OPENS)
}

/// `root/outside/secret.txt` next to the preopen `root/sandbox`, which holds a real
/// directory `d` with its own `secret.txt`.
struct Tree(PathBuf);

impl Tree {
    fn new(tag: &str) -> Tree {
        let root = std::env::temp_dir().join(format!("wisp-race-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("outside")).unwrap();
        std::fs::create_dir_all(root.join("sandbox/d")).unwrap();
        std::fs::write(root.join("outside/secret.txt"), OUTSIDE).unwrap();
        std::fs::write(root.join("sandbox/d/secret.txt"), INSIDE).unwrap();
        Tree(root)
    }

    fn guest(&self) -> Guest {
        let ctx = WasiCtx::builder()
            .preopen_host_dir(self.0.join("sandbox"), "/sandbox")
            .unwrap()
            .build();
        Guest::new(ctx)
    }

    /// Names in the outside directory.
    fn outside_names(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.0.join("outside"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Guest A: until `stop`, `d` is the real directory, then the link, then the directory
/// again. Every step is one `path_rename`, so `d` is always one or the other (or briefly
/// missing). Returns the number of swaps.
fn swapper(tree: &Tree, stop: &AtomicBool) -> u64 {
    let mut g = tree.guest();
    assert_eq!(g.symlink("../outside", DIR, "link"), 0);
    let mut swaps = 0;
    while !stop.load(Ordering::Relaxed) {
        assert_eq!(g.rename(DIR, "d", DIR, "parked"), 0);
        assert_eq!(g.rename(DIR, "link", DIR, "d"), 0);
        assert_eq!(g.rename(DIR, "d", DIR, "link"), 0);
        assert_eq!(g.rename(DIR, "parked", DIR, "d"), 0);
        swaps += 1;
    }
    swaps
}

/// What guest B's opens came to.
#[derive(Debug, Default)]
struct Tally {
    inside: u64,
    leaked: u64,
    refused: u64,
}

/// Stops guest A when dropped, so that a failing guest B cannot leave A running forever.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs guest A in a thread while `b` runs here with its own guest; stops A after.
fn race(tree: &Tree, b: impl FnOnce(&mut Guest) -> Tally) -> (Tally, u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let (tally, swaps) = std::thread::scope(|s| {
        let _stop = StopOnDrop(stop.clone());
        let a = {
            let stop = stop.clone();
            s.spawn(move || swapper(tree, &stop))
        };
        // B starts once A's link exists, so that the race is on from the first open.
        while !tree.0.join("sandbox/link").exists() && !a.is_finished() {
            std::thread::yield_now();
        }
        let mut g = tree.guest();
        let tally = b(&mut g);
        drop(_stop);
        (tally, a.join().unwrap())
    });
    (tally, swaps)
}

#[test]
fn concurrent_rename_to_a_link_never_leads_reads_outside() {
    let tree = Tree::new("read");
    let n = opens();
    let started = Instant::now();
    let (tally, swaps) = race(&tree, |g| {
        let mut t = Tally::default();
        for _ in 0..n {
            match g.open(DIR, "d/secret.txt", 0) {
                Ok(fd) => {
                    let data = g.read(fd, 128).unwrap();
                    assert_eq!(g.close(fd), 0);
                    if data == OUTSIDE {
                        t.leaked += 1;
                    } else {
                        assert_eq!(data, INSIDE);
                        t.inside += 1;
                    }
                }
                Err(_) => t.refused += 1,
            }
            // Any whole call frees the test guest's scratch memory, which a failed
            // `path_open` leaves in use.
            g.call("sched_yield", &[]);
        }
        t
    });
    println!(
        "read race: {n} opens in {:.1?}: {tally:?}, {swaps} swaps",
        started.elapsed()
    );
    assert_eq!(tally.leaked, 0, "{tally:?}");
    // The race was on: some opens met a swapped `d`, some the real one.
    assert!(swaps > 0 && tally.inside > 0, "{tally:?}, {swaps} swaps");
}

#[test]
fn concurrent_rename_to_a_link_never_leads_creates_outside() {
    let tree = Tree::new("write");
    let n = opens();
    let started = Instant::now();
    let outside_new = tree.0.join("outside/new.txt");
    let (tally, swaps) = race(&tree, |g| {
        let mut t = Tally::default();
        for _ in 0..n {
            match g.open(DIR, "d/new.txt", CREAT | TRUNC) {
                Ok(fd) => {
                    assert_eq!(g.write(fd, b"written").unwrap(), 7);
                    assert_eq!(g.close(fd), 0);
                    // The host looks where the file must not be; a leak is counted and
                    // removed so that the next one shows too.
                    if std::fs::remove_file(&outside_new).is_ok() {
                        t.leaked += 1;
                    } else {
                        t.inside += 1;
                    }
                    // Removing may meet the link too, and fail: that is not a leak.
                    let _ = g.unlink(DIR, "d/new.txt");
                }
                Err(_) => t.refused += 1,
            }
            // Any whole call frees the test guest's scratch memory, which a failed
            // `path_open` leaves in use.
            g.call("sched_yield", &[]);
        }
        t
    });
    println!(
        "create race: {n} opens in {:.1?}: {tally:?}, {swaps} swaps",
        started.elapsed()
    );
    assert_eq!(tally.leaked, 0, "{tally:?}");
    assert_eq!(tree.outside_names(), ["secret.txt"]);
    assert_eq!(
        std::fs::read(tree.0.join("outside/secret.txt")).unwrap(),
        OUTSIDE
    );
    assert!(swaps > 0 && tally.inside > 0, "{tally:?}, {swaps} swaps");
}
