//! Reference maps: what the translator records for the collector, and that it stays
//! linear in the code however a function piles references on its stack.

use wisp_exec::{compile, CompiledModule, RefMap, TranslateConfig};

fn module(text: &str) -> CompiledModule {
    let buf = wast::parser::ParseBuffer::new(text).unwrap();
    let bytes = wast::parser::parse::<wast::Wat>(&buf)
        .unwrap()
        .encode()
        .unwrap();
    compile(&bytes, Default::default(), TranslateConfig::default()).unwrap()
}

/// The cells each safepoint of function `func` roots, in point order.
fn roots(m: &CompiledModule, func: usize) -> Vec<Vec<u32>> {
    let map = m.code(func).unwrap().refs().expect("a map").clone();
    map.points
        .iter()
        .map(|&(at, _)| {
            let mut cells = Vec::new();
            assert!(map.roots(at, |c, _| cells.push(c)));
            cells.sort();
            cells
        })
        .collect()
}

#[test]
fn numbers_only_need_no_map() {
    let m = module(
        r#"(module
          (func $f (param i32) (result i32) (local i64)
            (call $f (i32.add (local.get 0) (i32.const 1)))))"#,
    );
    assert!(m.code(0).unwrap().refs().is_none());
}

#[test]
fn a_call_roots_reference_locals_and_operands_below_its_arguments() {
    let m = module(
        r#"(module
          (type $s (struct (field i32)))
          (func $g (param anyref i32) (result i32) (i32.const 0))
          (func (param $a anyref) (param $n i32) (result i32) (local $b eqref) (local $x i64)
            (struct.new_default $s)
            (call $g (local.get $a) (local.get $n))
            (drop)
            (drop)
            (i32.const 1)))"#,
    );
    // Cells: $a 0, $n 1, $b 2, $x 3, then the operand stack from 4.
    // The struct.new_default roots the locals; the call also the struct below its
    // arguments, but neither argument: they are in the callee's frame.
    assert_eq!(roots(&m, 1), vec![vec![0, 2], vec![0, 2, 4]]);
}

#[test]
fn an_allocation_roots_its_own_operands() {
    let m = module(
        r#"(module
          (type $pair (struct (field anyref) (field anyref)))
          (func (result anyref)
            (struct.new $pair (struct.new_default $pair) (struct.new_default $pair))))"#,
    );
    // The first struct.new_default roots nothing, the second the first's result, and
    // the struct.new both: the collection runs before it reads them.
    assert_eq!(roots(&m, 0), vec![vec![], vec![0], vec![0, 1]]);
}

#[test]
fn external_references_are_marked_so() {
    let m = module(
        r#"(module
          (func $g)
          (func (param externref) (call $g)))"#,
    );
    let map = m.code(1).unwrap().refs().unwrap().clone();
    let mut seen = Vec::new();
    map.roots(map.points[0].0, |c, how| seen.push((c, how)));
    assert_eq!(seen, vec![(0, wisp_store::gc::Trace::External)]);
    assert!(!map.roots(u32::MAX, |_, _| {}), "no safepoint there");
}

/// `n` times: push a new struct and call, so that each call has one more reference
/// below it than the one before: per-safepoint lists would hold n²/2 cells.
fn growing_stack(n: usize) -> String {
    let mut body = String::new();
    for _ in 0..n {
        body.push_str("(struct.new_default $s) (call $g) ");
    }
    for _ in 0..n {
        body.push_str("(drop) ");
    }
    format!(
        r#"(module
          (type $s (struct))
          (func $g)
          (func {body}))"#
    )
}

#[test]
fn maps_stay_linear_in_the_code() {
    let small = 2_000;
    let large = 20_000;
    let sizes: Vec<usize> = [small, large]
        .into_iter()
        .map(|n| {
            let m = module(&growing_stack(n));
            let map: RefMap = m.code(1).unwrap().refs().unwrap().clone();
            assert_eq!(
                map.points.len(),
                2 * n,
                "a safepoint per allocation and call"
            );
            assert!(
                map.nodes.len() <= n,
                "{} nodes for {n} structs",
                map.nodes.len()
            );
            // The last call roots every struct.
            let mut count = 0;
            map.roots(map.points[2 * n - 1].0, |_, _| count += 1);
            assert_eq!(count, n);
            map.nodes.len()
        })
        .collect();
    assert!(sizes[1] <= 10 * sizes[0] + 10, "{sizes:?}");
}

#[test]
fn aliases_of_locals_cost_nodes_once() {
    // Many `local.get`s of a reference, then a `local.set` of that local: its aliases
    // move into their own cells (and become roots), once.
    let n = 5_000;
    let mut body = String::new();
    for _ in 0..n {
        body.push_str("(local.get $r) ");
    }
    body.push_str("(local.set $r (struct.new_default $s)) ");
    for _ in 0..n {
        body.push_str("(call $g) ");
    }
    for _ in 0..n {
        body.push_str("(drop) ");
    }
    let m = module(&format!(
        r#"(module (type $s (struct)) (func $g)
          (func (local $r anyref) {body}))"#
    ));
    let map = m.code(1).unwrap().refs().unwrap().clone();
    assert!(map.nodes.len() <= 2 * n, "{} nodes", map.nodes.len());
    let mut count = 0;
    map.roots(map.points.last().unwrap().0, |_, _| count += 1);
    assert_eq!(
        count,
        n + 1,
        "the local, and each alias now in its own cell"
    );
}
