//! Pre-translated images: any bytes given to `Module::from_image` are refused or loaded,
//! never a panic (the reader is safe code; only running a crafted image's code is not).
//! A `wasm-smith` module's image loads back, with a copy and in place, and writes out the
//! same bytes again; the same image with one byte changed and its checksum made good
//! again (so that the reader's own checks are what stands) is refused or loaded either
//! way, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Mutex;
use wisp::{Engine, Module};

/// A block that lives for the program, 8-byte aligned, where images are placed to be
/// loaded in place; one iteration at a time.
static PLACE: Mutex<Option<&'static mut [u64]>> = Mutex::new(None);
const PLACE_WORDS: usize = 1 << 18;

/// Loads `image` in place (placed in `PLACE`), drops the module, and says whether it
/// loaded; `None` if the image is larger than the block.
fn load_in_place(engine: &Engine, image: &[u8]) -> Option<Result<Vec<u8>, wisp::Error>> {
    let mut place = PLACE.lock().unwrap();
    let words = place.get_or_insert_with(|| vec![0u64; PLACE_WORDS].leak());
    if image.len() > words.len() * 8 {
        return None;
    }
    let ptr = words.as_mut_ptr().cast::<u8>();
    // SAFETY: `ptr` is the leaked block, which nothing else touches while the lock is
    // held, and `image` fits it.
    unsafe { std::ptr::copy_nonoverlapping(image.as_ptr(), ptr, image.len()) };
    // SAFETY: the block lives for the program; it is written again only in a later
    // iteration, after the module made from it below is dropped.
    let placed: &'static [u8] = unsafe { std::slice::from_raw_parts(ptr, image.len()) };
    // SAFETY: the module's code is never run.
    let loaded = unsafe { Module::from_image_in_place(engine, placed) };
    Some(loaded.map(|m| m.to_image().expect("a loaded image writes out")))
}

/// The image with its checksum made good again.
fn reseal(image: &mut [u8]) {
    let end = image.len() - 4;
    let sum = image[..end]
        .iter()
        .fold(0x811c_9dc5u32, |h, &b| (h ^ b as u32).wrapping_mul(0x0100_0193));
    image[end..].copy_from_slice(&sum.to_le_bytes());
}

fuzz_target!(|data: &[u8]| {
    let engine = Engine::default();
    // SAFETY: the loaded module is dropped without running any of its code.
    let _ = unsafe { Module::from_image(&engine, data) };
    let _ = load_in_place(&engine, data);

    let mut u = arbitrary::Unstructured::new(data);
    let Ok(smith) = wasm_smith::Module::new(wasm_smith::Config::default(), &mut u) else {
        return;
    };
    let Ok(module) = Module::new(&engine, &smith.to_bytes()) else {
        return;
    };
    let image = module.to_image().expect("a valid module translates");
    // SAFETY: written just above by this build.
    let back = unsafe { Module::from_image(&engine, &image) }.expect("its image loads");
    assert_eq!(
        back.to_image().expect("writes again"),
        image,
        "the round trip is stable"
    );
    if let Some(placed) = load_in_place(&engine, &image) {
        assert_eq!(placed.expect("loads in place"), image, "in place too");
    }
    // One byte changed where the rest of the input says, checksum resealed.
    let (Ok(at), Ok(bits)) = (u.arbitrary::<usize>(), u.arbitrary::<u8>()) else {
        return;
    };
    if image.len() > 4 && bits != 0 {
        let mut bad = image.clone();
        let at = at % (image.len() - 4);
        bad[at] ^= bits;
        reseal(&mut bad);
        // SAFETY: dropped without running.
        let _ = unsafe { Module::from_image(&engine, &bad) };
        let _ = load_in_place(&engine, &bad);
    }
});
