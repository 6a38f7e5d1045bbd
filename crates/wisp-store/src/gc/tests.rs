use super::*;
use wisp_types::cells;

fn cell(a: u32) -> u64 {
    a as u64 + 1
}

fn roots(cells: &[u64]) -> impl FnOnce(&mut dyn FnMut(u64, Trace)) + '_ {
    move |r| cells.iter().for_each(|&c| r(c, Trace::Internal))
}

#[test]
fn unreachable_objects_are_freed_and_their_slots_reused() {
    let mut h = Heap::new();
    let a = h.alloc_exn(0, &[RawVal(7)], 0, 0).unwrap();
    let b = h.alloc_exn(0, &[RawVal(cell(a.0))], 1, 0).unwrap();
    let c = h.alloc_exn(1, &[], 0, 0).unwrap();
    // Only `b` is a root; it keeps `a` alive through its payload.
    h.collect(roots(&[cell(b.0)]));
    assert_eq!(h.len(), 2);
    assert!(h.exn(a).is_some() && h.exn(b).is_some() && h.exn(c).is_none());
    assert_eq!(h.generation(c.0), None);
    assert_eq!(h.alloc_exn(2, &[], 0, 0).unwrap(), c);
    assert_eq!((h.generation(a.0), h.generation(c.0)), (Some(0), Some(1)));
    assert!(h.root(a.0) && h.root(a.0));
    h.unroot(a.0);
    h.collect(roots(&[]));
    assert_eq!(h.len(), 1);
    assert_eq!(h.exn(a).unwrap().payload[..], [RawVal(7)]);
    assert_eq!(h.roots(), 1);
    h.truncate_roots(0);
    h.collect(roots(&[]));
    assert!(h.is_empty());
    assert_eq!(h.bytes(), 0);
}

#[test]
fn structs_and_arrays_are_traced_by_their_layout() {
    let mut h = Heap::new();
    let (node, list) = (TypeId(3), TypeId(5));
    // A node: an i64, then a reference traced as internal.
    h.set_layout(
        node,
        Layout::Struct {
            cells: 2,
            refs: Box::new([(1, Trace::Internal)]),
        },
    )
    .unwrap();
    h.set_layout(
        list,
        Layout::Array {
            size: 8,
            trace: Trace::External,
        },
    )
    .unwrap();
    let leaf = h.alloc_struct(node, &[cell(99), 0]).unwrap();
    let mid = h.alloc_struct(node, &[0, cell(leaf)]).unwrap();
    let held = h.alloc_struct(node, &[0, 0]).unwrap();
    let arr = h
        .alloc_array(list, 8, 2, |b| {
            b[..8].copy_from_slice(&(cell(held) | cells::EXTERNAL_OBJECT).to_le_bytes())
        })
        .unwrap();
    let garbage = h.alloc_struct(node, &[0, cell(mid)]).unwrap();
    // The i64 field that looks like a reference to slot 98 keeps nothing alive, and an
    // internal cell in an external array would not either.
    h.collect(roots(&[cell(mid), cell(arr)]));
    assert_eq!(h.len(), 4);
    assert!(h.object(garbage).is_none());
    assert_eq!(h.struct_fields(mid), Some(&[0, cell(leaf)][..]));
    h.collect(roots(&[cell(arr)]));
    assert_eq!(h.len(), 2);
    assert!(h.object(held).is_some());
}

#[test]
fn arrays_copy_fill_and_check_bounds() {
    let mut h = Heap::new();
    let t = TypeId(0);
    let a = h
        .alloc_array(t, 2, 5, |b| {
            b.iter_mut().enumerate().for_each(|(i, x)| *x = i as u8)
        })
        .unwrap();
    assert_eq!(h.array_len(a), Some(5));
    assert_eq!(h.array_get(a, 1), Ok((0x0302, 2)));
    assert_eq!(h.array_get(a, 5), Err(ArrayError::OutOfBounds));
    h.array_copy(a, 1, a, 0, 4).unwrap();
    assert_eq!(h.array_get(a, 4), Ok((0x0706, 2)));
    h.array_fill(a, 0, 0xffff_abcd, 2).unwrap();
    assert_eq!(h.array_get(a, 1), Ok((0xabcd, 2)));
    assert_eq!(h.array_fill(a, 4, 0, 2), Err(ArrayError::OutOfBounds));
    assert_eq!(h.array_fill(a, 5, 0, 0), Ok(()));
    assert_eq!(h.array_fill(a, 6, 0, 0), Err(ArrayError::OutOfBounds));
    let b = h.alloc_array(t, 2, 3, |_| {}).unwrap();
    h.array_copy(b, 0, a, 3, 2).unwrap();
    assert_eq!(h.array_get(b, 1), Ok((0x0706, 2)));
    assert_eq!(h.array_get(a, 4), Ok((0x0706, 2)), "the source is put back");
}

#[test]
fn the_budget_refuses_and_a_collection_makes_room() {
    let mut h = Heap::new();
    h.set_budget(4096);
    let t = TypeId(0);
    assert_eq!(h.alloc_array(t, 8, u32::MAX, |_| {}), Err(HeapFull));
    let a = h.alloc_array(t, 1, 3000, |_| {}).unwrap();
    assert!(h.wants_collection(3000));
    assert_eq!(h.alloc_array(t, 1, 3000, |_| {}), Err(HeapFull));
    h.collect(roots(&[]));
    assert!(h.object(a).is_none());
    h.alloc_array(t, 1, 3000, |_| {}).unwrap();
}

#[test]
fn collections_come_as_often_as_allocations_outgrow_the_survivors() {
    let mut h = Heap::new();
    assert_eq!(
        core::mem::size_of::<Heap>(),
        4 * core::mem::size_of::<usize>()
    );
    assert!(core::mem::size_of::<Object>() <= 24);
    h.suspended = 1;
    h.set_layout(
        TypeId(0),
        Layout::Struct {
            cells: 1,
            refs: Box::new([]),
        },
    )
    .unwrap();
    let mut n = 0;
    while !h.wants_collection(8) {
        h.alloc_struct(TypeId(0), &[0]).unwrap();
        n += 1;
    }
    assert!(n * 8 >= MIN_BETWEEN_COLLECTIONS / 8, "{n}");
    h.collect(roots(&[]));
    assert!(!h.wants_collection(8));
    h.suspended = 2;
    for _ in 0..2 * n {
        h.alloc_struct(TypeId(0), &[0]).unwrap();
    }
    assert!(!h.wants_collection(8), "a run is suspended");
}

#[test]
fn marking_survives_a_queue_that_cannot_grow() {
    let mut h = Heap::new();
    let node = TypeId(1);
    h.set_layout(
        node,
        Layout::Struct {
            cells: 2,
            refs: Box::new([(0, Trace::Internal), (1, Trace::Internal)]),
        },
    )
    .unwrap();
    // A tree of 127 nodes, and as much garbage.
    fn tree(h: &mut Heap, ty: TypeId, depth: u32) -> u32 {
        let kids = if depth == 0 {
            [0, 0]
        } else {
            [cell(tree(h, ty, depth - 1)), cell(tree(h, ty, depth - 1))]
        };
        h.alloc_struct(ty, &kids).unwrap()
    }
    let root = tree(&mut h, node, 6);
    tree(&mut h, node, 6);
    h.objects_mut().unwrap().mark_limit = Some(1);
    h.collect(roots(&[cell(root)]));
    assert_eq!(h.len(), 127);
    h.collect(roots(&[cell(root)]));
    assert_eq!(h.len(), 127);
}

#[test]
fn zeal_collects_after_every_so_many_allocations() {
    let mut h = Heap::new();
    h.set_zeal(3);
    let t = TypeId(0);
    for round in 0..2 {
        for i in 0..3 {
            assert!(!h.wants_collection(8), "round {round}, allocation {i}");
            h.alloc_array(t, 1, 8, |_| {}).unwrap();
        }
        assert!(h.wants_collection(8), "round {round}");
        h.collect(roots(&[]));
    }
}
