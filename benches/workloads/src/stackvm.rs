//! A small bytecode interpreter: a stack machine whose dispatch loop is one `match` over
//! the opcode, which compiles to a `br_table` (an indirect branch) per instruction, the
//! shape of most interpreters compiled to Wasm.

/// One instruction; operands are stored inline in the code vector.
#[derive(Clone, Copy)]
enum Op {
    Push(i32),
    Get(u8),
    Set(u8),
    Add,
    Sub,
    Mul,
    Xor,
    And,
    Shl(u8),
    ShrU(u8),
    Dup,
    Swap,
    LtU,
    /// Jump when the popped value is zero.
    JumpIfZero(u16),
    /// Jump when the popped value is not zero.
    JumpIfNonZero(u16),
    Jump(u16),
    Halt,
}

/// `acc` is a hash of the loop counter mixed through a few arithmetic steps; a second
/// counter takes an inner branch every third turn so the dispatch sees both paths.
///
/// ```text
/// i = 0; acc = 0x9e3779b9; k = 0                      (locals 0, 1, 2)
/// top:   if !(i < n) goto end
///        acc = ((i ^ acc) * 0x01000193) + ((acc >>> 7) & 0xffffff)
///        k = k + 1; if k - 3 != 0 goto next
///        k = 0; acc = acc ^ (acc << 5)
/// next:  i = i + 1; goto top
/// end:   halt with acc
/// ```
fn program(n: u32) -> Vec<Op> {
    use Op::*;
    // Jump targets are patched once the code after them is laid out.
    const LATER: u16 = u16::MAX;
    let mut p = vec![
        Push(0),
        Set(0),
        Push(0x9e37_79b9_u32 as i32),
        Set(1),
        Push(0),
        Set(2),
    ];
    let top = p.len() as u16;
    p.extend([Get(0), Push(n as i32), LtU, JumpIfZero(LATER)]);
    let exit_jump = p.len() - 1;
    p.extend([Get(0), Get(1), Swap, Xor, Push(0x0100_0193), Mul]);
    p.extend([Get(1), ShrU(7), Push(0x00ff_ffff), And, Add, Set(1)]);
    p.extend([Get(2), Push(1), Add, Dup, Set(2), Push(3), Sub, Jump(LATER)]);
    let third_jump = p.len() - 1;
    p.extend([Push(0), Set(2), Get(1), Dup, Shl(5), Xor, Set(1)]);
    let next = p.len() as u16;
    p.extend([Get(0), Push(1), Add, Set(0), Jump(top)]);
    let end = p.len() as u16;
    p.extend([Get(1), Halt]);
    p[exit_jump] = JumpIfZero(end);
    // `k - 3` is on the stack: fall through into the reset only when it is zero.
    p[third_jump] = JumpIfNonZero(next);
    p
}

fn execute(code: &[Op]) -> u32 {
    let mut stack: Vec<i32> = Vec::with_capacity(64);
    let mut locals = [0i32; 4];
    let mut pc = 0usize;
    loop {
        let op = code[pc];
        pc += 1;
        match op {
            Op::Push(v) => stack.push(v),
            Op::Get(i) => stack.push(locals[i as usize]),
            Op::Set(i) => locals[i as usize] = stack.pop().unwrap(),
            Op::Add => binary(&mut stack, i32::wrapping_add),
            Op::Sub => binary(&mut stack, i32::wrapping_sub),
            Op::Mul => binary(&mut stack, i32::wrapping_mul),
            Op::Xor => binary(&mut stack, |a, b| a ^ b),
            Op::And => binary(&mut stack, |a, b| a & b),
            Op::Shl(s) => {
                let a = stack.pop().unwrap();
                stack.push(a.wrapping_shl(u32::from(s)));
            }
            Op::ShrU(s) => {
                let a = stack.pop().unwrap();
                stack.push(((a as u32) >> s) as i32);
            }
            Op::Dup => {
                let a = *stack.last().unwrap();
                stack.push(a);
            }
            Op::Swap => {
                let len = stack.len();
                stack.swap(len - 1, len - 2);
            }
            Op::LtU => binary(&mut stack, |a, b| i32::from((a as u32) < (b as u32))),
            Op::JumpIfZero(t) => {
                if stack.pop().unwrap() == 0 {
                    pc = usize::from(t);
                }
            }
            Op::JumpIfNonZero(t) => {
                if stack.pop().unwrap() != 0 {
                    pc = usize::from(t);
                }
            }
            Op::Jump(t) => pc = usize::from(t),
            Op::Halt => return stack.pop().unwrap() as u32,
        }
    }
}

#[inline(always)]
fn binary(stack: &mut Vec<i32>, f: impl Fn(i32, i32) -> i32) {
    let b = stack.pop().unwrap();
    let a = stack.pop().unwrap();
    stack.push(f(a, b));
}

pub fn run(n: u32) -> u32 {
    let code = program(n);
    // The program is data to the interpreter; keep the optimizer from seeing through it.
    execute(std::hint::black_box(&code))
}
