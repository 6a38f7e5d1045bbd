//! Small numeric kernels: recursion, a sieve, f64 matrix multiplication, SHA-256.

use crate::Rng;
use sha2::{Digest, Sha256};

pub fn fib(n: u32) -> u32 {
    if n < 2 {
        n
    } else {
        fib(n - 1).wrapping_add(fib(n - 2))
    }
}

/// Primes below `n`: their count times 1 000 003 plus their sum (wrapping).
pub fn sieve(n: u32) -> u32 {
    let n = n as usize;
    let mut composite = vec![false; n];
    let (mut count, mut sum) = (0u32, 0u32);
    let mut i = 2;
    while i < n {
        if !composite[i] {
            count += 1;
            sum = sum.wrapping_add(i as u32);
            // `i * i` would overflow a 32-bit `usize` (wasm32) for i > 65 535.
            if i <= (n - 1) / i {
                let mut j = i * i;
                while j < n {
                    composite[j] = true;
                    j += i;
                }
            }
        }
        i += 1;
    }
    count.wrapping_mul(1_000_003).wrapping_add(sum)
}

/// C = A·B for generated `n`×`n` matrices, row-major; the checksum folds the bits of
/// every element of C, so any rounding difference shows.
pub fn matmul(n: u32) -> u32 {
    let n = n as usize;
    let a: Vec<f64> = (0..n * n)
        .map(|k| ((k * 7 + 3) % 31) as f64 * 0.25 - 3.5)
        .collect();
    let b: Vec<f64> = (0..n * n)
        .map(|k| ((k * 13 + 5) % 29) as f64 / 7.0 + 0.1)
        .collect();
    let mut c = vec![0.0f64; n * n];
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            let row_b = &b[k * n..(k + 1) * n];
            let row_c = &mut c[i * n..(i + 1) * n];
            for (cij, bkj) in row_c.iter_mut().zip(row_b) {
                *cij += aik * bkj;
            }
        }
    }
    c.iter().fold(crate::FNV_START, |h, x| {
        let bits = x.to_bits();
        crate::fnv1a(h, &bits.to_le_bytes())
    })
}

/// The first four bytes of the digest, little-endian.
pub fn sha256(kib: u32) -> u32 {
    let mut rng = Rng::new(0x5eed_0256);
    let data: Vec<u8> = (0..kib as usize * 1024)
        .map(|_| rng.next_u32() as u8)
        .collect();
    let digest = Sha256::digest(&data);
    u32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]])
}
