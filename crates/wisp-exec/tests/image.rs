//! Images: code laid out as the executor's own instructions, loaded with a copy or in
//! place, and every branch target checked either way.

use wisp_exec::image::{read_image, read_image_in_place, write_image};
use wisp_exec::ir::{canonical, Op};
use wisp_exec::{compile_eager, TranslateConfig};

fn image_of(text: &str) -> Vec<u8> {
    let buf = wast::parser::ParseBuffer::new(text).unwrap();
    let bytes = wast::parser::parse::<wast::Wat>(&buf)
        .unwrap()
        .encode()
        .unwrap();
    let m = compile_eager(&bytes, Default::default(), TranslateConfig::default()).unwrap();
    write_image(&m).unwrap()
}

/// `bytes` in a block that lives for the program, 8-byte aligned.
fn leak_aligned(bytes: &[u8]) -> &'static [u8] {
    let words: &'static mut [u64] = vec![0u64; bytes.len().div_ceil(8)].leak();
    // SAFETY (test): the words' own bytes, which live for the program.
    let all =
        unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), bytes.len()) };
    all.copy_from_slice(bytes);
    all
}

/// The image with its checksum made good again after an edit.
fn reseal(image: &mut [u8]) {
    let end = image.len() - 4;
    let sum = image[..end].iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ b as u32).wrapping_mul(0x0100_0193)
    });
    image[end..].copy_from_slice(&sum.to_le_bytes());
}

const LOOP: &str = r#"(module (func (export "count") (param i32) (result i32)
    (loop $l (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get 0)))"#;

/// Where the first branch of the image's code is, as (byte offset of its target field).
fn first_branch(image: &[u8]) -> usize {
    (16..image.len() - 16)
        .step_by(8)
        .find(|&at| {
            let chunk: &[u8; 16] = image[at..at + 16].try_into().unwrap();
            matches!(canonical::decode(chunk), Some((tag, _, n)) if n > 0
                && wisp_exec::ir::target_operand(tag).is_some())
        })
        .expect("the loop branches")
}

#[test]
fn copied_and_in_place_code_are_the_same_instructions() {
    let image = image_of(LOOP);
    let (copied, _) = read_image(&image).unwrap();
    let (placed, _) = read_image_in_place(leak_aligned(&image)).unwrap();
    let a: &[Op] = &copied.code(0).unwrap().ops;
    let b = &placed.code(0).unwrap().ops;
    assert_eq!(a, &b[..]);
    assert!(b.is_borrowed() && !copied.code(0).unwrap().ops.is_borrowed());
}

#[test]
fn a_branch_out_of_the_function_is_refused_with_or_without_a_copy() {
    let image = image_of(LOOP);
    let at = first_branch(&image);
    let tag = u16::from_le_bytes([image[at], image[at + 1]]);
    let field = at + 4 + 4 * wisp_exec::ir::target_operand(tag).unwrap();
    for target in [16 * 1000i32, 8, -16 * 1000] {
        let mut bad = image.clone();
        bad[field..field + 4].copy_from_slice(&target.to_le_bytes());
        reseal(&mut bad);
        let copied = read_image(&bad).err().unwrap();
        assert_eq!(copied.message, "branch target out of range");
        assert_eq!(copied.offset, at);
        let placed = read_image_in_place(leak_aligned(&bad)).err().unwrap();
        assert_eq!(placed.message, "branch target out of range");
        assert_eq!(placed.offset, at);
    }
}

#[test]
fn an_unknown_instruction_is_refused_with_or_without_a_copy() {
    let image = image_of(LOOP);
    let at = first_branch(&image);
    let mut bad = image.clone();
    bad[at..at + 2].copy_from_slice(&u16::MAX.to_le_bytes());
    reseal(&mut bad);
    assert_eq!(
        read_image(&bad).err().unwrap().message,
        "unknown instruction"
    );
    let placed = read_image_in_place(leak_aligned(&bad)).err().unwrap();
    assert_eq!(placed.message, "unknown instruction");
}

#[test]
fn an_image_of_another_operator_table_is_refused() {
    let mut image = image_of(LOOP);
    image[8] ^= 1;
    reseal(&mut image);
    let err = read_image(&image).err().unwrap();
    assert!(err.message.contains("another version of Wisp"), "{err}");
}
