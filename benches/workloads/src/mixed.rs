//! A CoreMark-style mix of integer work, written for these benchmarks (not CoreMark's
//! code): each iteration runs a linked-list pass, a small-matrix pass and a state machine
//! over a byte string, and folds every intermediate result into a CRC-16. The inputs are
//! seeded with the iteration number so no pass can be hoisted out of the loop.

use crate::Rng;

const NIL: u16 = u16::MAX;
const LIST_LEN: usize = 96;
const MAT: usize = 10;
const TEXT_TOKENS: usize = 48;

/// CRC-16/CCITT-FALSE, bit by bit (the way small embedded code often does it).
fn crc16(mut crc: u16, bytes: &[u8]) -> u16 {
    for &b in bytes {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

fn crc_u32(crc: u16, v: u32) -> u16 {
    crc16(crc, &v.to_le_bytes())
}

// ---- linked list: nodes in an arena, linked by index ----

#[derive(Clone, Copy)]
struct Node {
    key: i16,
    tag: u16,
    next: u16,
}

struct List {
    nodes: Vec<Node>,
    head: u16,
}

impl List {
    fn new(rng: &mut Rng) -> Self {
        let nodes: Vec<Node> = (0..LIST_LEN)
            .map(|i| Node {
                key: (rng.next_u32() >> 16) as i16 % 2000,
                tag: i as u16,
                next: if i + 1 < LIST_LEN { i as u16 + 1 } else { NIL },
            })
            .collect();
        List { nodes, head: 0 }
    }

    fn reverse(&mut self) {
        let (mut prev, mut cur) = (NIL, self.head);
        while cur != NIL {
            let next = self.nodes[cur as usize].next;
            self.nodes[cur as usize].next = prev;
            prev = cur;
            cur = next;
        }
        self.head = prev;
    }

    /// Position of the first node with `key`, or -1.
    fn find(&self, key: i16) -> i32 {
        let (mut cur, mut pos) = (self.head, 0);
        while cur != NIL {
            if self.nodes[cur as usize].key == key {
                return pos;
            }
            cur = self.nodes[cur as usize].next;
            pos += 1;
        }
        -1
    }

    /// Bottom-up merge sort of the links by `by(node)`, stable, in O(n log n).
    fn sort_by(&mut self, by: impl Fn(&Node) -> i32) {
        let mut width = 1;
        loop {
            let (mut p, mut head, mut tail) = (self.head, NIL, NIL);
            let mut merges = 0;
            while p != NIL {
                merges += 1;
                let mut q = p;
                let mut psize = 0;
                while psize < width && q != NIL {
                    q = self.nodes[q as usize].next;
                    psize += 1;
                }
                let mut qsize = width;
                while psize > 0 || (qsize > 0 && q != NIL) {
                    let take_p = if psize == 0 {
                        false
                    } else if qsize == 0 || q == NIL {
                        true
                    } else {
                        by(&self.nodes[p as usize]) <= by(&self.nodes[q as usize])
                    };
                    let e = if take_p {
                        let e = p;
                        p = self.nodes[p as usize].next;
                        psize -= 1;
                        e
                    } else {
                        let e = q;
                        q = self.nodes[q as usize].next;
                        qsize -= 1;
                        e
                    };
                    if tail == NIL {
                        head = e;
                    } else {
                        self.nodes[tail as usize].next = e;
                    }
                    tail = e;
                }
                p = q;
            }
            self.nodes[tail as usize].next = NIL;
            self.head = head;
            if merges <= 1 {
                return;
            }
            width *= 2;
        }
    }

    fn fold(&self, mut crc: u16) -> u16 {
        let mut cur = self.head;
        while cur != NIL {
            let n = self.nodes[cur as usize];
            crc = crc16(crc, &n.key.to_le_bytes());
            cur = n.next;
        }
        crc
    }
}

fn list_pass(seed: u32, crc: u16) -> u16 {
    let mut rng = Rng::new(seed);
    let mut list = List::new(&mut rng);
    let mut crc = crc;
    for _ in 0..8 {
        let key = list.nodes[rng.below(LIST_LEN as u32) as usize].key;
        crc = crc_u32(crc, list.find(key) as u32);
        crc = crc_u32(crc, list.find(key.wrapping_add(1)) as u32);
    }
    list.reverse();
    crc = list.fold(crc);
    list.sort_by(|n| i32::from(n.key));
    crc = list.fold(crc);
    // Scramble the keys a little, then restore the original order by tag.
    let mut cur = list.head;
    while cur != NIL {
        let n = &mut list.nodes[cur as usize];
        n.key = n.key.wrapping_mul(3) ^ (n.tag as i16);
        cur = n.next;
    }
    list.sort_by(|n| i32::from(n.tag));
    list.fold(crc)
}

// ---- matrices: small i16 inputs, i32 results ----

fn matrix_pass(seed: u32, crc: u16) -> u16 {
    let mut rng = Rng::new(seed);
    let mut a = [[0i16; MAT]; MAT];
    let mut b = [[0i16; MAT]; MAT];
    for i in 0..MAT {
        for j in 0..MAT {
            a[i][j] = (rng.below(256) as i16) - 128;
            b[i][j] = (rng.below(64) as i16) - 32;
        }
    }
    let k = (seed & 0xff) as i16;
    let mut crc = crc;
    // Add a constant, multiply by a constant.
    let mut sum = 0i32;
    for row in a.iter_mut() {
        for x in row.iter_mut() {
            *x = x.wrapping_add(k);
            sum = sum.wrapping_add(i32::from(*x) * i32::from(k | 1));
        }
    }
    crc = crc_u32(crc, sum as u32);
    // Matrix times vector (the first row of b as the vector).
    let v = b[0];
    for row in &a {
        let dot: i32 = row
            .iter()
            .zip(&v)
            .map(|(&x, &y)| i32::from(x) * i32::from(y))
            .sum();
        crc = crc_u32(crc, dot as u32);
    }
    // Matrix times matrix, then the same with bit fields pulled out of each product.
    let mut c = [[0i32; MAT]; MAT];
    let mut bits = 0u32;
    for i in 0..MAT {
        for j in 0..MAT {
            let mut acc = 0i32;
            let mut acc_bits = 0u32;
            for (t, row_b) in b.iter().enumerate() {
                let p = i32::from(a[i][t]) * i32::from(row_b[j]);
                acc = acc.wrapping_add(p);
                acc_bits =
                    acc_bits.wrapping_add(((p as u32) >> 2) & 0x0f) + ((p as u32) >> 5 & 0x7f);
            }
            c[i][j] = acc;
            bits = bits.wrapping_add(acc_bits);
        }
    }
    for row in &c {
        let max = row.iter().copied().max().unwrap_or(0);
        let total: i32 = row.iter().fold(0, |s, &x| s.wrapping_add(x));
        crc = crc_u32(crc, (max ^ total) as u32);
    }
    crc_u32(crc, bits)
}

// ---- state machine: classify number-like tokens in a byte string ----

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Sign,
    Int,
    Dot,
    Frac,
    Exp,
    ExpSign,
    ExpInt,
    Hex0,
    Hex,
    Invalid,
}

fn text(rng: &mut Rng) -> Vec<u8> {
    const PIECES: &[&[u8]] = &[
        b"5012",
        b"-1.25",
        b"+3e8",
        b"6.02e-23",
        b"0x1fA",
        b"0x",
        b"1.2.3",
        b"--7",
        b"e5",
        b"7E+2",
        b"42",
        b"abc",
        b"-0",
        b".5",
        b"9.",
        b"0xZ",
    ];
    let mut out = Vec::new();
    for _ in 0..TEXT_TOKENS {
        out.extend_from_slice(PIECES[rng.below(PIECES.len() as u32) as usize]);
        out.push(b',');
    }
    out
}

fn step(s: State, c: u8) -> State {
    use State::*;
    match (s, c) {
        (Start, b'+' | b'-') => Sign,
        (Start | Sign, b'0') => Hex0,
        (Start | Sign | Int, b'0'..=b'9') => Int,
        (Hex0, b'0'..=b'9') => Int,
        (Start | Sign, b'.') | (Int | Hex0, b'.') => Dot,
        (Dot | Frac, b'0'..=b'9') => Frac,
        (Int | Frac | Hex0, b'e' | b'E') => Exp,
        (Exp, b'+' | b'-') => ExpSign,
        (Exp | ExpSign | ExpInt, b'0'..=b'9') => ExpInt,
        (Hex0, b'x' | b'X') => Hex,
        (Hex, b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F') => Hex,
        _ => Invalid,
    }
}

fn state_pass(seed: u32, crc: u16) -> u16 {
    let mut rng = Rng::new(seed);
    let mut bytes = text(&mut rng);
    let mut crc = crc;
    // Two scans, the second after corrupting every 7th byte (like CoreMark's).
    for round in 0..2 {
        let mut counts = [0u32; 11];
        let mut transitions = 0u32;
        let mut s = State::Start;
        for &c in &bytes {
            if c == b',' {
                counts[s as usize] += 1;
                s = State::Start;
                continue;
            }
            let next = step(s, c);
            transitions += u32::from(next != s);
            s = next;
        }
        for &n in &counts {
            crc = crc_u32(crc, n);
        }
        crc = crc_u32(crc, transitions);
        if round == 0 {
            for i in (0..bytes.len()).step_by(7) {
                if bytes[i] != b',' {
                    bytes[i] ^= 0x01;
                }
            }
        }
    }
    crc
}

/// The CRC of all passes of all iterations, with the iteration count in the high half.
pub fn run(iterations: u32) -> u32 {
    let mut crc = 0xffff;
    for i in 0..iterations {
        let seed = i.wrapping_mul(0x9e37_79b9) ^ 0x00c0_ffee;
        crc = list_pass(seed, crc);
        crc = matrix_pass(seed.rotate_left(7), crc);
        crc = state_pass(seed.rotate_left(13), crc);
    }
    (iterations << 16) | u32::from(crc)
}
