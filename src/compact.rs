//! States kept as bytes: a compact store for states that hold heap memory.
//!
//! A state with `Vec`, `String`, `BTreeSet` or `HashMap` fields costs its fields' heap blocks
//! (each with the allocator's own overhead) for every state the search stores, and a copy for
//! every successor it makes. [`Compact`] wraps any system so that the search stores each state
//! as the bytes of its encoding instead, inline in the store's arena: a [`Packed`] state is
//! `N` bytes and a length, hashed and compared as bytes, with no heap memory. A state is
//! decoded only to be expanded, to have its properties evaluated, or to be shown (a packed
//! state's `Debug` is the decoded state's). The answers are the plain system's: same verdicts,
//! counts and traces (each trace state a [`Packed`] whose [`unpack`](Packed::unpack) is the
//! plain state).
//!
//! The encoding is a [`Codec`]: [`Postcard`] for any state that derives serde's `Serialize`
//! and `Deserialize`, or one written by hand. Postcard (the `postcard` crate) was chosen for a
//! stable, documented wire format that is compact by construction (variable-length integers,
//! one byte per enum variant, no field names or padding), encodes into a caller's buffer, and
//! depends on nothing but serde: bincode's varint configuration is as small, but its 2.x line
//! is no longer developed.
//!
//! While expanding, the wrapper keeps the state it last decoded on each worker (its
//! invariants, successors and terminal test decode it once) and hands the inner system a pool
//! of spare states for [in-place](crate::Action::in_place) effects, so a model written that
//! way allocates nothing for a successor beyond what its encoding needs.
//!
//! ```
//! use musil::compact::{Compact, Postcard};
//! use musil::{Model, check};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
//! struct Log { lines: Vec<String> }
//!
//! let model = Model::new(Log { lines: vec![] })
//!     .action_in_place("say", |l| l.lines.len() < 3, |l| l.lines.push("hi".into()))
//!     .action_in_place("shout", |l| l.lines.len() < 3, |l| l.lines.push("HI".into()))
//!     .invariant("short", |l| l.lines.len() <= 2);
//! let plain = check(&model);
//! // Each state stored as at most 16 bytes of its postcard encoding.
//! let packed = check(&Compact::<_, Postcard, 16>::new(&model));
//! assert_eq!(packed.states_explored, plain.states_explored);
//! assert_eq!(packed.trace.last().unwrap().state.unpack(), plain.trace.last().unwrap().state);
//! // A packed state prints as the state it encodes.
//! assert_eq!(format!("{:?}", packed.trace[1].state), format!("{:?}", plain.trace[1].state));
//! ```

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::ControlFlow;

use crate::properties::{Properties, Verdict};
use crate::system::{ActionId, Fairness, Spare, State, TransitionSystem};

/// How a state is written as bytes and read back.
///
/// Implemented by a marker type (the codec has no data): [`Postcard`] for serde types, or a
/// type of your own for an encoding written by hand. The encoding must be a function of the
/// state's identity: equal states encode to equal bytes and different states to different
/// bytes (the store compares bytes), and `decode` must give back a state equal to the one
/// encoded. A panic in either is reported like one in an effect.
///
/// ```
/// use musil::compact::{Codec, Packed};
///
/// /// Two counters below 16, one byte.
/// struct Nibbles;
/// impl Codec<(u8, u8)> for Nibbles {
///     fn encode(s: &(u8, u8), out: &mut Vec<u8>) { out.push(s.0 << 4 | s.1) }
///     fn decode(b: &[u8]) -> (u8, u8) { (b[0] >> 4, b[0] & 15) }
/// }
/// let p = Packed::<(u8, u8), Nibbles, 1>::pack(&(3, 9)).unwrap();
/// assert_eq!(p.as_bytes(), [0x39]);
/// assert_eq!(p.unpack(), (3, 9));
/// ```
pub trait Codec<T>: 'static {
    /// Append the encoding of `state` to `out`.
    fn encode(state: &T, out: &mut Vec<u8>);

    /// The state whose encoding is `bytes` (exactly what [`Codec::encode`] appended).
    fn decode(bytes: &[u8]) -> T;

    /// Write the encoding of `state` at the start of `buf` and return its length, or `None`
    /// when it does not fit (then [`Codec::encode`] is asked). The default always answers
    /// `None`; a codec that can write into a slice saves a copy per successor.
    fn encode_into(state: &T, buf: &mut [u8]) -> Option<usize> {
        let _ = (state, buf);
        None
    }
}

/// The [postcard](https://docs.rs/postcard) encoding of any state that derives serde's
/// `Serialize` and `Deserialize`: compact (variable-length integers, an enum variant in one
/// byte) and stable. Encoding panics with serde's message when a state cannot be serialised
/// (a map whose keys are not serialisable, for example); the check reports it as a panic.
#[derive(Clone, Copy, Debug, Default)]
pub struct Postcard;

impl<T: serde::Serialize + serde::de::DeserializeOwned> Codec<T> for Postcard {
    fn encode(state: &T, out: &mut Vec<u8>) {
        // Into a buffer on the stack first: a packed state holds at most 255 bytes, and
        // postcard writes a slice faster than it extends a vector byte by byte.
        let mut on_stack = [0u8; 256];
        let result = match postcard::to_slice(state, &mut on_stack) {
            Ok(bytes) => {
                out.extend_from_slice(bytes);
                Ok(())
            }
            Err(postcard::Error::SerializeBufferFull) => {
                postcard::to_extend(state, std::mem::take(out)).map(|full| *out = full)
            }
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            panic!("musil: postcard could not encode a state: {e}");
        }
    }

    fn encode_into(state: &T, buf: &mut [u8]) -> Option<usize> {
        postcard::to_slice(state, buf).ok().map(|bytes| bytes.len())
    }

    fn decode(bytes: &[u8]) -> T {
        match postcard::from_bytes(bytes) {
            Ok(state) => state,
            Err(e) => panic!("musil: a packed state did not decode with postcard: {e}"),
        }
    }
}

/// A state of type `T` kept as the bytes of its encoding by `C`, at most `N` of them (`N` at
/// most 255), inline: `N + 1` bytes, no heap memory. Equal states have equal packed forms.
///
/// ```
/// use musil::compact::{Packed, Postcard};
/// let p = Packed::<Vec<u16>, Postcard, 8>::pack(&vec![1, 300]).unwrap();
/// assert_eq!(p.as_bytes(), [2, 1, 0xac, 0x02]); // length, then variable-length integers
/// assert_eq!(p.unpack(), [1, 300]);
/// assert_eq!(format!("{p:?}"), "[1, 300]");
/// assert_eq!(std::mem::size_of_val(&p), 9);
/// let too_long = Packed::<Vec<u16>, Postcard, 8>::pack(&vec![7; 10]).unwrap_err();
/// assert_eq!(too_long.to_string(), "a state's encoding takes 11 bytes, more than the 8 a Packed<_, _, 8> holds");
/// ```
pub struct Packed<T, C, const N: usize> {
    len: u8,
    bytes: [u8; N],
    _state: PhantomData<fn() -> (T, C)>,
}

/// A state whose encoding does not fit the `N` bytes of a [`Packed`] state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLarge {
    /// The encoding's length.
    pub needed: usize,
    /// What the packed form holds.
    pub room: usize,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a state's encoding takes {} bytes, more than the {} a Packed<_, _, {}> holds",
            self.needed, self.room, self.room
        )
    }
}

impl std::error::Error for TooLarge {}

impl<T, C: Codec<T>, const N: usize> Packed<T, C, N> {
    const ROOM: () = assert!(N <= 255, "musil: a Packed state holds at most 255 bytes");

    /// The packed form of `state`, or what it would need when it does not fit.
    pub fn pack(state: &T) -> Result<Self, TooLarge> {
        let mut buffer = Vec::with_capacity(N);
        Self::pack_with(state, &mut buffer)
    }

    /// [`Packed::pack`] with a caller's buffer for the encoding (cleared first).
    fn pack_with(state: &T, buffer: &mut Vec<u8>) -> Result<Self, TooLarge> {
        let () = Self::ROOM;
        let mut bytes = [0u8; N];
        if let Some(len) = C::encode_into(state, &mut bytes) {
            return Ok(Packed { len: len as u8, bytes, _state: PhantomData });
        }
        buffer.clear();
        C::encode(state, buffer);
        let len = buffer.len();
        if len > N {
            return Err(TooLarge { needed: len, room: N });
        }
        bytes = [0u8; N];
        bytes[..len].copy_from_slice(buffer);
        Ok(Packed { len: len as u8, bytes, _state: PhantomData })
    }

    /// [`Packed::pack`], panicking with the message of [`TooLarge`] (inside a search, where a
    /// panic becomes a result naming the action and its trace).
    fn pack_or_panic(state: &T, buffer: &mut Vec<u8>) -> Self {
        match Self::pack_with(state, buffer) {
            Ok(p) => p,
            Err(e) => panic!("musil: {e}: give Compact a larger N (at most 255), or a tighter codec"),
        }
    }

    /// The state these bytes encode.
    pub fn unpack(&self) -> T {
        C::decode(self.as_bytes())
    }
}

impl<T, C, const N: usize> Packed<T, C, N> {
    /// The encoding.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

impl<T, C, const N: usize> Clone for Packed<T, C, N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, C, const N: usize> Copy for Packed<T, C, N> {}

impl<T, C, const N: usize> PartialEq for Packed<T, C, N> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        // Bytes past the length are zero, so whole arrays compare (a fixed-size comparison).
        self.len == other.len && self.bytes == other.bytes
    }
}

impl<T, C, const N: usize> Eq for Packed<T, C, N> {}

impl<T, C, const N: usize> Hash for Packed<T, C, N> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u8(self.len);
        state.write(&self.bytes);
    }
}

impl<T: fmt::Debug, C: Codec<T>, const N: usize> fmt::Debug for Packed<T, C, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.unpack().fmt(f)
    }
}

/// `inner`, searched with every state stored as the `N` bytes of its encoding by `C` (see the
/// [module](self)). Its states are [`Packed`]; its actions, names, fairness and properties
/// are `inner`'s, evaluated on the decoded state. Wrap a reference (`Compact::new(&model)`)
/// to keep the model.
///
/// A state whose encoding takes more than `N` bytes stops the search with a panic result
/// naming the action that made it and the length it needed.
///
/// Options over states take packed states: a canonical form reads the state with
/// [`Packed::unpack`] and packs its answer, a key reads it.
///
/// ```
/// use musil::compact::{Compact, Packed, Postcard};
/// use musil::{Checker, Model};
///
/// type P = Packed<Vec<u8>, Postcard, 4>;
/// // Two interchangeable counters: sorted, they are one state.
/// let m = Model::new(vec![0u8, 0])
///     .action_in_place("a", |s| s[0] < 2, |s| s[0] += 1)
///     .action_in_place("b", |s| s[1] < 2, |s| s[1] += 1);
/// let packed = Compact::<_, Postcard, 4>::new(&m);
/// let r = Checker::new(&packed)
///     .canonicalize(|p: &P| {
///         let mut s = p.unpack();
///         s.sort();
///         Packed::pack(&s).expect("as long as before")
///     })
///     .check();
/// assert_eq!(r.states_explored, 6);
/// ```
pub struct Compact<M, C, const N: usize> {
    inner: M,
    _codec: PhantomData<fn() -> C>,
}

impl<M, C, const N: usize> Compact<M, C, N> {
    /// `inner`, with its states packed.
    pub fn new(inner: M) -> Self {
        Compact { inner, _codec: PhantomData }
    }

    /// The wrapped system.
    pub fn inner(&self) -> &M {
        &self.inner
    }
}

impl<M, C, const N: usize> fmt::Debug for Compact<M, C, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compact").field("bytes", &N).finish_non_exhaustive()
    }
}

/// A worker's scratch for one packed state type: the state it decoded last, spare states for
/// the inner system, the successors to hand back, and the encoding buffer.
struct Scratch<T, C, const N: usize> {
    key: Option<Packed<T, C, N>>,
    decoded: Option<T>,
    spare: Spare<T>,
    back: Vec<T>,
    buffer: Vec<u8>,
}

thread_local! {
    /// The worker's [`Scratch`], for the packed state type it last expanded. Taken out while in
    /// use, so a search started inside user code on the same thread gets a fresh one.
    static SCRATCH: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
}

/// Run `f` with this thread's scratch for `Packed<T, C, N>`.
fn with_scratch<T: 'static, C: 'static, const N: usize, R>(f: impl FnOnce(&mut Scratch<T, C, N>) -> R) -> R {
    let taken = SCRATCH.with(|s| s.try_borrow_mut().ok().and_then(|mut s| s.take()));
    let mut scratch: Box<Scratch<T, C, N>> = match taken.map(|b| b.downcast::<Scratch<T, C, N>>()) {
        Some(Ok(s)) => s,
        _ => Box::new(Scratch {
            key: None,
            decoded: None,
            spare: Spare::new(),
            back: Vec::new(),
            buffer: Vec::new(),
        }),
    };
    let r = f(&mut scratch);
    SCRATCH.with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            *s = Some(scratch);
        }
    });
    r
}

impl<T: Clone + 'static, C: Codec<T>, const N: usize> Scratch<T, C, N> {
    /// The decoded form of `state`, decoding it unless it was the last one.
    fn decoded(&mut self, state: &Packed<T, C, N>) -> &T {
        if self.key.as_ref() != Some(state) || self.decoded.is_none() {
            self.key = None;
            self.decoded = Some(state.unpack());
            self.key = Some(*state);
        }
        self.decoded.as_ref().expect("decoded above")
    }
}

impl<M, C, const N: usize> TransitionSystem for Compact<M, C, N>
where
    M: TransitionSystem,
    C: Codec<M::State>,
    Packed<M::State, C, N>: fmt::Debug,
{
    type State = Packed<M::State, C, N>;

    fn initial_states(&self) -> Vec<Self::State> {
        let mut buffer = Vec::new();
        self.inner.initial_states().iter().map(|s| Packed::pack_or_panic(s, &mut buffer)).collect()
    }

    fn successors<F>(&self, state: &Self::State, emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        self.successors_reusing(state, &mut Spare::new(), emit)
    }

    fn successors_reusing<F>(
        &self,
        state: &Self::State,
        _spare: &mut Spare<Self::State>,
        mut emit: F,
    ) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        with_scratch(|scratch: &mut Scratch<M::State, C, N>| {
            scratch.decoded(state);
            let Scratch { decoded, spare, back, buffer, .. } = scratch;
            let from = decoded.as_ref().expect("decoded above");
            let flow = self.inner.successors_reusing(from, spare, |action, next| {
                let packed = Packed::pack_or_panic(&next, buffer);
                back.push(next);
                emit(action, packed)
            });
            // As many successors go back to the pool as copies were taken from it, so that a
            // system that makes its successors afresh does not grow it.
            let copies = spare.take_copies();
            for next in back.drain(..).take(copies) {
                spare.put(next);
            }
            flow
        })
    }

    fn action_name(&self, action: ActionId) -> &str {
        self.inner.action_name(action)
    }

    fn fair_actions(&self, fairness: Fairness) -> Vec<ActionId> {
        self.inner.fair_actions(fairness)
    }

    fn static_actions(&self) -> Option<Vec<ActionId>> {
        self.inner.static_actions()
    }

    fn begin_sweep(&self) {
        self.inner.begin_sweep()
    }
}

impl<S, M, C, const N: usize> Properties<Packed<S, C, N>> for Compact<M, C, N>
where
    S: State,
    M: Properties<S>,
    C: Codec<S>,
{
    fn invariant_count(&self) -> usize {
        self.inner.invariant_count()
    }
    fn invariant_name(&self, index: usize) -> &str {
        self.inner.invariant_name(index)
    }
    fn check_invariant(&self, index: usize, state: &Packed<S, C, N>) -> Verdict {
        with_scratch(|scratch: &mut Scratch<S, C, N>| {
            self.inner.check_invariant(index, scratch.decoded(state))
        })
    }
    fn edge_invariant_count(&self) -> usize {
        self.inner.edge_invariant_count()
    }
    fn edge_invariant_name(&self, index: usize) -> &str {
        self.inner.edge_invariant_name(index)
    }
    fn check_edge_invariant(
        &self,
        index: usize,
        before: &Packed<S, C, N>,
        action: ActionId,
        after: &Packed<S, C, N>,
    ) -> Verdict {
        let after = after.unpack();
        with_scratch(|scratch: &mut Scratch<S, C, N>| {
            self.inner.check_edge_invariant(index, scratch.decoded(before), action, &after)
        })
    }
    fn is_terminal(&self, state: &Packed<S, C, N>) -> bool {
        with_scratch(|scratch: &mut Scratch<S, C, N>| self.inner.is_terminal(scratch.decoded(state)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Model, check, explore};

    type P = Packed<Vec<u8>, Postcard, 8>;

    #[test]
    fn packing_keeps_identity() {
        let a = P::pack(&vec![1, 2]).unwrap();
        let b = P::pack(&vec![1, 2]).unwrap();
        let c = P::pack(&vec![1, 2, 0]).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c, "a trailing zero byte is part of the encoding");
        let state = std::hash::RandomState::new();
        assert_eq!(std::hash::BuildHasher::hash_one(&state, a), std::hash::BuildHasher::hash_one(&state, b));
        assert_eq!(c.unpack(), [1, 2, 0]);
        assert_eq!(P::pack(&vec![0; 7]).unwrap().as_bytes().len(), 8);
        assert_eq!(P::pack(&vec![0; 8]).unwrap_err(), TooLarge { needed: 9, room: 8 });
    }

    fn counters() -> Model<Vec<u8>> {
        let mut m = Model::new(vec![0u8; 3]);
        for i in 0..3 {
            m = m.action_in_place(format!("inc_{i}"), move |s: &Vec<u8>| s[i] < 3, move |s| s[i] += 1);
        }
        m.action("reset", |s: &Vec<u8>| s.iter().all(|&x| x == 3), |s| vec![0; s.len()])
            .invariant("not all two", |s| s.iter().any(|&x| x != 2))
    }

    #[test]
    fn same_answers_as_the_plain_model() {
        let m = counters();
        let plain = check(&m);
        let packed = check(&Compact::<_, Postcard, 8>::new(&m));
        assert!(!plain.ok);
        assert_eq!(packed.ok, plain.ok);
        assert_eq!(packed.states_explored, plain.states_explored);
        assert_eq!(packed.invariant, plain.invariant);
        let states = |t: &[crate::Step<Vec<u8>>]| {
            t.iter().map(|s| (s.action.clone(), s.state.clone())).collect::<Vec<_>>()
        };
        let unpacked: Vec<_> = packed.trace.iter().map(|s| (s.action.clone(), s.state.unpack())).collect();
        assert_eq!(unpacked, states(&plain.trace));
        let (g, gp) = (explore(&m), explore(&Compact::<_, Postcard, 8>::new(&m)));
        assert_eq!(g.len(), gp.len());
    }

    #[test]
    fn a_state_too_large_is_a_panic_result_naming_the_action() {
        let m = Model::new(Vec::<u8>::new()).action(
            "grow",
            |s| s.len() < 10,
            |s: &Vec<u8>| {
                let mut t = s.clone();
                t.push(1);
                t
            },
        );
        let r = check(&Compact::<_, Postcard, 4>::new(&m));
        assert_eq!(r.kind, Some(crate::Kind::Panic));
        let fault = r.fault.expect("a fault");
        assert!(fault.to_string().contains("takes 5 bytes, more than the 4"), "{fault}");
        assert_eq!(r.invariant.as_deref(), Some("grow"));
        assert_eq!(r.trace.len(), 4, "the state whose successor is too large ends the trace");
    }
}
