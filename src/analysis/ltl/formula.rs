//! LTL formulas: the [`Ltl`] tree, its text form (`G F red`, `(known U green)`), a parser for
//! that text, and negation normal form.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::error::{Error, ErrorKind};
use crate::system::Predicate;

/// A named state predicate: the atoms of a formula. Two atoms are equal when they have the
/// same name and the same predicate (by identity).
pub struct Atom<S> {
    name: Arc<str>,
    predicate: Predicate<S>,
}

impl<S> Atom<S> {
    /// An atom named `name` that holds where `predicate` does.
    pub fn new(name: impl Into<String>, predicate: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        Atom { name: Arc::from(name.into()), predicate: Arc::new(predicate) }
    }

    /// An atom from a shared predicate.
    pub fn from_predicate(name: impl Into<String>, predicate: Predicate<S>) -> Self {
        Atom { name: Arc::from(name.into()), predicate }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether it holds in `state`.
    pub fn holds(&self, state: &S) -> bool {
        (self.predicate)(state)
    }

    /// Its predicate.
    pub fn predicate(&self) -> &Predicate<S> {
        &self.predicate
    }
}

impl<S> Clone for Atom<S> {
    fn clone(&self) -> Self {
        Atom { name: self.name.clone(), predicate: self.predicate.clone() }
    }
}

impl<S> PartialEq for Atom<S> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && Arc::ptr_eq(&self.predicate, &other.predicate)
    }
}

impl<S> Eq for Atom<S> {}

impl<S> Hash for Atom<S> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        (Arc::as_ptr(&self.predicate) as *const () as usize).hash(state);
    }
}

impl<S> fmt::Debug for Atom<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Atom({})", self.name)
    }
}

/// A linear temporal logic formula over states of type `S`.
///
/// Its `Display` is the original's text (`G F red`, `(yellow -> F red)`, `!green`), which
/// [`Ltl::parse`] reads back.
///
/// ```
/// use musil::ltl::Ltl;
/// let red = Ltl::atom("red", |s: &&str| *s == "red");
/// let green = Ltl::atom("green", |s: &&str| *s == "green");
/// assert_eq!(Ltl::always(Ltl::eventually(red.clone())).to_string(), "G F red");
/// assert_eq!(red.clone().until(green.clone()).not().to_string(), "!(red U green)");
/// assert_eq!(red.until(green).not().nnf().to_string(), "(!red R !green)");
/// ```
pub enum Ltl<S> {
    /// A state predicate.
    Atom(Atom<S>),
    /// `!a`
    Not(Box<Ltl<S>>),
    /// `(a & b)`
    And(Box<Ltl<S>>, Box<Ltl<S>>),
    /// `(a | b)`
    Or(Box<Ltl<S>>, Box<Ltl<S>>),
    /// `(a -> b)`
    Implies(Box<Ltl<S>>, Box<Ltl<S>>),
    /// `X a`: in the next state.
    Next(Box<Ltl<S>>),
    /// `F a`: eventually.
    Eventually(Box<Ltl<S>>),
    /// `G a`: always.
    Always(Box<Ltl<S>>),
    /// `(a U b)`: `a` until `b`, and `b` happens.
    Until(Box<Ltl<S>>, Box<Ltl<S>>),
    /// `(a R b)`: `b` holds until and including when `a` does (or forever).
    Release(Box<Ltl<S>>, Box<Ltl<S>>),
    /// `(a W b)`: `a` until `b`, or `a` forever.
    WeakUntil(Box<Ltl<S>>, Box<Ltl<S>>),
}

impl<S> Clone for Ltl<S> {
    fn clone(&self) -> Self {
        use Ltl::*;
        match self {
            Atom(a) => Atom(a.clone()),
            Not(a) => Not(a.clone()),
            And(a, b) => And(a.clone(), b.clone()),
            Or(a, b) => Or(a.clone(), b.clone()),
            Implies(a, b) => Implies(a.clone(), b.clone()),
            Next(a) => Next(a.clone()),
            Eventually(a) => Eventually(a.clone()),
            Always(a) => Always(a.clone()),
            Until(a, b) => Until(a.clone(), b.clone()),
            Release(a, b) => Release(a.clone(), b.clone()),
            WeakUntil(a, b) => WeakUntil(a.clone(), b.clone()),
        }
    }
}

impl<S> PartialEq for Ltl<S> {
    fn eq(&self, other: &Self) -> bool {
        use Ltl::*;
        match (self, other) {
            (Atom(a), Atom(b)) => a == b,
            (Not(a), Not(b))
            | (Next(a), Next(b))
            | (Eventually(a), Eventually(b))
            | (Always(a), Always(b)) => a == b,
            (And(a, b), And(c, d))
            | (Or(a, b), Or(c, d))
            | (Implies(a, b), Implies(c, d))
            | (Until(a, b), Until(c, d))
            | (Release(a, b), Release(c, d))
            | (WeakUntil(a, b), WeakUntil(c, d)) => a == c && b == d,
            _ => false,
        }
    }
}

impl<S> Eq for Ltl<S> {}

impl<S> Hash for Ltl<S> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        use Ltl::*;
        std::mem::discriminant(self).hash(state);
        match self {
            Atom(a) => a.hash(state),
            Not(a) | Next(a) | Eventually(a) | Always(a) => a.hash(state),
            And(a, b) | Or(a, b) | Implies(a, b) | Until(a, b) | Release(a, b) | WeakUntil(a, b) => {
                a.hash(state);
                b.hash(state);
            }
        }
    }
}

impl<S> fmt::Debug for Ltl<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ltl({self})")
    }
}

impl<S> fmt::Display for Ltl<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ltl::Atom(a) => f.write_str(&a.name),
            Ltl::Not(a) => write!(f, "!{a}"),
            Ltl::And(a, b) => write!(f, "({a} & {b})"),
            Ltl::Or(a, b) => write!(f, "({a} | {b})"),
            Ltl::Implies(a, b) => write!(f, "({a} -> {b})"),
            Ltl::Next(a) => write!(f, "X {a}"),
            Ltl::Eventually(a) => write!(f, "F {a}"),
            Ltl::Always(a) => write!(f, "G {a}"),
            Ltl::Until(a, b) => write!(f, "({a} U {b})"),
            Ltl::Release(a, b) => write!(f, "({a} R {b})"),
            Ltl::WeakUntil(a, b) => write!(f, "({a} W {b})"),
        }
    }
}

#[allow(clippy::should_implement_trait)]
impl<S> Ltl<S> {
    /// An atom.
    pub fn atom(name: impl Into<String>, predicate: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        Ltl::Atom(Atom::new(name, predicate))
    }

    /// `!self`
    pub fn not(self) -> Self {
        Ltl::Not(Box::new(self))
    }

    /// `(self & other)`
    pub fn and(self, other: Self) -> Self {
        Ltl::And(Box::new(self), Box::new(other))
    }

    /// `(self | other)`
    pub fn or(self, other: Self) -> Self {
        Ltl::Or(Box::new(self), Box::new(other))
    }

    /// `(self -> other)`
    pub fn implies(self, other: Self) -> Self {
        Ltl::Implies(Box::new(self), Box::new(other))
    }

    /// `X a`
    pub fn next(a: Self) -> Self {
        Ltl::Next(Box::new(a))
    }

    /// `F a`
    pub fn eventually(a: Self) -> Self {
        Ltl::Eventually(Box::new(a))
    }

    /// `G a`
    pub fn always(a: Self) -> Self {
        Ltl::Always(Box::new(a))
    }

    /// `(self U other)`
    pub fn until(self, other: Self) -> Self {
        Ltl::Until(Box::new(self), Box::new(other))
    }

    /// `(self R other)`
    pub fn release(self, other: Self) -> Self {
        Ltl::Release(Box::new(self), Box::new(other))
    }

    /// `(self W other)`
    pub fn weak_until(self, other: Self) -> Self {
        Ltl::WeakUntil(Box::new(self), Box::new(other))
    }

    /// Negation normal form, as the original computes it: negations pushed onto atoms through
    /// the dualities (`!F a` → `G !a`, `!(a U b)` → `(!a R !b)`, `!(a W b)` → `(!b U (!a & !b))`,
    /// `!(a -> b)` → `(a & !b)`); a positive implication is kept as it is.
    pub fn nnf(&self) -> Self {
        use Ltl::*;
        let b = |x: Self| Box::new(x);
        let neg = |x: &Self| Not(b(x.clone())).nnf();
        match self {
            Atom(_) => self.clone(),
            Not(inner) => match &**inner {
                Atom(_) => self.clone(),
                Not(x) => x.nnf(),
                And(x, y) => Or(b(neg(x)), b(neg(y))),
                Or(x, y) => And(b(neg(x)), b(neg(y))),
                Implies(x, y) => And(b(x.nnf()), b(neg(y))),
                Next(x) => Next(b(neg(x))),
                Eventually(x) => Always(b(neg(x))),
                Always(x) => Eventually(b(neg(x))),
                Until(x, y) => Release(b(neg(x)), b(neg(y))),
                Release(x, y) => Until(b(neg(x)), b(neg(y))),
                WeakUntil(x, y) => {
                    let ny = neg(y);
                    Until(b(ny.clone()), b(And(b(neg(x)), b(ny))))
                }
            },
            And(x, y) => And(b(x.nnf()), b(y.nnf())),
            Or(x, y) => Or(b(x.nnf()), b(y.nnf())),
            Implies(x, y) => Implies(b(x.nnf()), b(y.nnf())),
            Next(x) => Next(b(x.nnf())),
            Eventually(x) => Eventually(b(x.nnf())),
            Always(x) => Always(b(x.nnf())),
            Until(x, y) => Until(b(x.nnf()), b(y.nnf())),
            Release(x, y) => Release(b(x.nnf()), b(y.nnf())),
            WeakUntil(x, y) => WeakUntil(b(x.nnf()), b(y.nnf())),
        }
    }

    /// The formula without implications: `(a -> b)` becomes `(nnf(!a) | b)`, so that the
    /// automaton construction sees every obligation. (The original leaves an implication that
    /// survives normal form unexpanded and so ignores it; see [`check_ltl`](crate::ltl::check_ltl).)
    /// The formula's depth (an atom is 1), computed without recursion.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(self, 1usize)];
        while let Some((f, d)) = stack.pop() {
            deepest = deepest.max(d);
            match f {
                Ltl::Atom(_) => {}
                Ltl::Not(a) | Ltl::Next(a) | Ltl::Eventually(a) | Ltl::Always(a) => stack.push((a, d + 1)),
                Ltl::And(a, b)
                | Ltl::Or(a, b)
                | Ltl::Implies(a, b)
                | Ltl::Until(a, b)
                | Ltl::Release(a, b)
                | Ltl::WeakUntil(a, b) => {
                    stack.push((a, d + 1));
                    stack.push((b, d + 1));
                }
            }
        }
        deepest
    }

    pub(crate) fn without_implies(&self) -> Self {
        use Ltl::*;
        let b = |x: Self| Box::new(x);
        match self {
            Atom(_) => self.clone(),
            Not(x) => Not(b(x.without_implies())),
            Implies(x, y) => Or(b(Not(b(x.without_implies())).nnf()), b(y.without_implies())),
            And(x, y) => And(b(x.without_implies()), b(y.without_implies())),
            Or(x, y) => Or(b(x.without_implies()), b(y.without_implies())),
            Next(x) => Next(b(x.without_implies())),
            Eventually(x) => Eventually(b(x.without_implies())),
            Always(x) => Always(b(x.without_implies())),
            Until(x, y) => Until(b(x.without_implies()), b(y.without_implies())),
            Release(x, y) => Release(b(x.without_implies()), b(y.without_implies())),
            WeakUntil(x, y) => WeakUntil(b(x.without_implies()), b(y.without_implies())),
        }
    }

    /// The formula as a state predicate when it has no temporal operator (atoms combined with
    /// `!`, `&`, `|`, `->`), else `None`.
    pub fn state_predicate(&self) -> Option<Predicate<S>>
    where
        S: 'static,
    {
        use Ltl::*;
        Some(match self {
            Atom(a) => a.predicate.clone(),
            Not(x) => {
                let p = x.state_predicate()?;
                Arc::new(move |s| !p(s))
            }
            And(x, y) => {
                let (p, q) = (x.state_predicate()?, y.state_predicate()?);
                Arc::new(move |s| p(s) && q(s))
            }
            Or(x, y) => {
                let (p, q) = (x.state_predicate()?, y.state_predicate()?);
                Arc::new(move |s| p(s) || q(s))
            }
            Implies(x, y) => {
                let (p, q) = (x.state_predicate()?, y.state_predicate()?);
                Arc::new(move |s| !p(s) || q(s))
            }
            _ => return None,
        })
    }

    /// Rebuild the formula over another state type, mapping each atom.
    pub(crate) fn map_atoms<T>(&self, f: &dyn Fn(&Atom<S>) -> Atom<T>) -> Ltl<T> {
        use Ltl::*;
        let b = |x: Ltl<T>| Box::new(x);
        match self {
            Atom(a) => Ltl::Atom(f(a)),
            Not(x) => Not(b(x.map_atoms(f))),
            And(x, y) => And(b(x.map_atoms(f)), b(y.map_atoms(f))),
            Or(x, y) => Or(b(x.map_atoms(f)), b(y.map_atoms(f))),
            Implies(x, y) => Implies(b(x.map_atoms(f)), b(y.map_atoms(f))),
            Next(x) => Next(b(x.map_atoms(f))),
            Eventually(x) => Eventually(b(x.map_atoms(f))),
            Always(x) => Always(b(x.map_atoms(f))),
            Until(x, y) => Until(b(x.map_atoms(f)), b(y.map_atoms(f))),
            Release(x, y) => Release(b(x.map_atoms(f)), b(y.map_atoms(f))),
            WeakUntil(x, y) => WeakUntil(b(x.map_atoms(f)), b(y.map_atoms(f))),
        }
    }

    /// Parse the text form. Atom names are resolved by `atoms`; `true` and `false` are
    /// built in unless `atoms` defines them. Binary operators bind, loosest first: `->`
    /// (right-associative), `|`, `&`, then `U`, `R`, `W` (right-associative); `!`, `X`, `F`,
    /// `G` are prefix operators. Parentheses group.
    ///
    /// ```
    /// use musil::ltl::Ltl;
    /// use musil::Predicate;
    /// let atoms = |name: &str| -> Option<Predicate<u8>> {
    ///     match name {
    ///         "p" => Some(std::sync::Arc::new(|s: &u8| *s == 1)),
    ///         "q" => Some(std::sync::Arc::new(|s: &u8| *s == 0)),
    ///         _ => None,
    ///     }
    /// };
    /// let f = Ltl::parse("G (q -> F p)", atoms).unwrap();
    /// assert_eq!(f.to_string(), "G (q -> F p)");
    /// let err = Ltl::parse("G (q -> ", atoms).unwrap_err();
    /// assert_eq!(err.position(), Some(8));
    /// let err = Ltl::parse("G (r -> F p)", atoms).unwrap_err();
    /// assert_eq!(err.to_string(), "LTL formula: unknown atom 'r' at offset 3");
    /// ```
    pub fn parse(text: &str, atoms: impl Fn(&str) -> Option<Predicate<S>>) -> Result<Self, Error>
    where
        S: 'static,
    {
        let tokens = tokenize(text)?;
        let mut p = Parser { tokens, pos: 0, open: 0, text_len: text.len(), atoms: &atoms };
        let (f, _) = p.implication()?;
        match p.tokens.get(p.pos) {
            None => Ok(f),
            Some((at, t)) => Err(Error::new(
                ErrorKind::Formula,
                format!("unexpected '{t}' at offset {at} in LTL formula {text:?}"),
            )
            .at(*at)),
        }
    }

    /// [`Ltl::parse`] with the atoms given as `(name, predicate)` pairs of one closure type
    /// (plain functions, or one closure; atoms written as different closures have different
    /// types: name them with [`Atoms`] instead).
    pub fn parse_with<F>(
        text: &str,
        atoms: impl IntoIterator<Item = (&'static str, F)>,
    ) -> Result<Self, Error>
    where
        S: 'static,
        F: Fn(&S) -> bool + Send + Sync + 'static,
    {
        let table: Vec<(&str, Predicate<S>)> =
            atoms.into_iter().map(|(n, f)| (n, Arc::new(f) as Predicate<S>)).collect();
        Self::parse(text, |name| table.iter().find(|(n, _)| *n == name).map(|(_, p)| p.clone()))
    }
}

/// Named atoms for [`Ltl::parse`], each its own closure: the table that [`Ltl::parse_with`]
/// cannot hold when the closures differ in type.
///
/// ```
/// use musil::ltl::{check_ltl, Atoms, LtlOptions};
/// use musil::Model;
/// let counter = Model::new(0u8).action("inc", |n| *n < 3, |n| n + 1).action("reset", |n| *n == 3, |_| 0);
/// let atoms = Atoms::new().atom("zero", |n: &u8| *n == 0).atom("top", |n: &u8| *n == 3);
/// let f = atoms.parse("G (zero -> F top)").unwrap();
/// assert!(check_ltl(&counter, &f, &LtlOptions::new()).unwrap().ok());
/// assert!(atoms.parse("G bottom").is_err()); // unknown atom
/// ```
pub struct Atoms<S> {
    table: Vec<(String, Predicate<S>)>,
}

impl<S> Default for Atoms<S> {
    fn default() -> Self {
        Atoms { table: Vec::new() }
    }
}

impl<S> Clone for Atoms<S> {
    fn clone(&self) -> Self {
        Atoms { table: self.table.clone() }
    }
}

impl<S> fmt::Debug for Atoms<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.table.iter().map(|(n, _)| n)).finish()
    }
}

impl<S: 'static> Atoms<S> {
    /// No atoms yet (`true` and `false` are built in).
    pub fn new() -> Self {
        Self::default()
    }

    /// Add the atom `name`.
    ///
    /// # Panics
    /// When `name` is already defined here (a second definition would silently shadow or be
    /// shadowed), or is not a word the parser reads as an atom (an operator such as `F`, or
    /// a name with spaces or symbols).
    #[must_use]
    pub fn atom(
        mut self,
        name: impl Into<String>,
        predicate: impl Fn(&S) -> bool + Send + Sync + 'static,
    ) -> Self {
        let name = name.into();
        let word = name.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || "_:.".contains(c));
        assert!(
            word && !matches!(name.as_str(), "X" | "F" | "G" | "U" | "R" | "W"),
            "Atoms::atom: {name:?} is not an atom name (a letter, digit or '_', then also ':' or '.'; not an operator)"
        );
        assert!(
            self.table.iter().all(|(n, _)| *n != name),
            "Atoms::atom: the atom {name:?} is defined twice"
        );
        self.table.push((name, Arc::new(predicate)));
        self
    }

    /// The atom names, in the order added.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.table.iter().map(|(n, _)| n.as_str())
    }

    /// Parse `text` over these atoms (see [`Ltl::parse`]).
    pub fn parse(&self, text: &str) -> Result<Ltl<S>, Error> {
        Ltl::parse(text, |name| self.table.iter().find(|(n, _)| n == name).map(|(_, p)| p.clone()))
    }
}

fn tokenize(text: &str) -> Result<Vec<(usize, String)>, Error> {
    let mut out = Vec::new();
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < bytes.len() {
        let (at, c) = bytes[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && bytes.get(i + 1).map(|x| x.1) == Some('>') {
            out.push((at, "->".to_owned()));
            i += 2;
        } else if "()!&|".contains(c) {
            out.push((at, c.to_string()));
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < bytes.len() && (bytes[i].1.is_alphanumeric() || "_:.".contains(bytes[i].1)) {
                i += 1;
            }
            let end = bytes.get(i).map_or(text.len(), |x| x.0);
            out.push((at, text[bytes[start].0..end].to_owned()));
        } else {
            return Err(Error::new(
                ErrorKind::Formula,
                format!("unexpected character '{c}' at offset {at} in LTL formula {text:?}"),
            )
            .at(at));
        }
    }
    Ok(out)
}

/// The most parentheses [`Ltl::parse`] reads open at once (each costs the parser a few stack
/// frames).
const MAX_PARENTHESES: usize = 128;

/// The deepest formula [`Ltl::parse`] reads (and [`check_ltl`](crate::check_ltl) takes): every pass over a formula (normal form, the
/// automaton, printing) recurses once per level, and this many levels stay far inside a
/// thread's stack.
pub const MAX_DEPTH: usize = 500;

struct Parser<'a, S> {
    tokens: Vec<(usize, String)>,
    pos: usize,
    /// Parentheses open at this point.
    open: usize,
    text_len: usize,
    atoms: &'a dyn Fn(&str) -> Option<Predicate<S>>,
}

impl<S: 'static> Parser<'_, S> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(|(_, t)| t.as_str())
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.text_len, |(at, _)| *at)
    }

    fn fail(&self, what: &str) -> Error {
        let found = self.peek().map_or("the end".to_owned(), |t| format!("'{t}'"));
        Error::new(
            ErrorKind::Formula,
            format!("LTL formula: expected {what} at offset {}, found {found}", self.offset()),
        )
        .at(self.offset())
    }

    /// The depth of a tree with a node over a subtree of depth `below`; refused past
    /// [`MAX_DEPTH`] (every pass over formulas recurses, so a deeper one could overflow the
    /// stack).
    fn deeper(&self, below: usize) -> Result<usize, Error> {
        if below >= MAX_DEPTH {
            let at = self.offset();
            return Err(Error::new(
                ErrorKind::Formula,
                format!("LTL formula: nested more than {MAX_DEPTH} levels deep at offset {at}"),
            )
            .at(at));
        }
        Ok(below + 1)
    }

    // Each rule returns the formula and its depth (a leaf is 1).
    fn implication(&mut self) -> Result<(Ltl<S>, usize), Error> {
        // Right-associative: a chain is read into a list, then folded from the right.
        let mut chain = vec![self.disjunction()?];
        while self.peek() == Some("->") {
            self.pos += 1;
            chain.push(self.disjunction()?);
        }
        let (mut f, mut depth) = chain.pop().expect("one formula at least");
        while let Some((left, d)) = chain.pop() {
            depth = self.deeper(depth.max(d))?;
            f = left.implies(f);
        }
        Ok((f, depth))
    }

    fn disjunction(&mut self) -> Result<(Ltl<S>, usize), Error> {
        let (mut left, mut depth) = self.conjunction()?;
        while self.peek() == Some("|") {
            self.pos += 1;
            let (right, d) = self.conjunction()?;
            depth = self.deeper(depth.max(d))?;
            left = left.or(right);
        }
        Ok((left, depth))
    }

    fn conjunction(&mut self) -> Result<(Ltl<S>, usize), Error> {
        let (mut left, mut depth) = self.binary_temporal()?;
        while self.peek() == Some("&") {
            self.pos += 1;
            let (right, d) = self.binary_temporal()?;
            depth = self.deeper(depth.max(d))?;
            left = left.and(right);
        }
        Ok((left, depth))
    }

    fn binary_temporal(&mut self) -> Result<(Ltl<S>, usize), Error> {
        // Right-associative, as `->`.
        let mut chain = vec![(self.unary()?, "")];
        while let Some(op) = self.peek().and_then(|t| ["U", "R", "W"].into_iter().find(|op| *op == t)) {
            self.pos += 1;
            let last = chain.len() - 1;
            chain[last].1 = op;
            chain.push((self.unary()?, ""));
        }
        let ((mut f, mut depth), _) = chain.pop().expect("one formula at least");
        while let Some(((left, d), op)) = chain.pop() {
            depth = self.deeper(depth.max(d))?;
            f = match op {
                "U" => left.until(f),
                "R" => left.release(f),
                _ => left.weak_until(f),
            };
        }
        Ok((f, depth))
    }

    fn unary(&mut self) -> Result<(Ltl<S>, usize), Error> {
        // Prefix operators are read into a list, then applied innermost first.
        let mut prefixes = Vec::new();
        loop {
            let Some(tok) = self.peek().map(str::to_owned) else { return Err(self.fail("a formula")) };
            if !matches!(tok.as_str(), "!" | "X" | "F" | "G") {
                break;
            }
            self.pos += 1;
            prefixes.push(tok);
            if prefixes.len() > MAX_DEPTH {
                self.deeper(MAX_DEPTH)?;
            }
        }
        let (mut f, mut depth) = self.operand()?;
        while let Some(op) = prefixes.pop() {
            depth = self.deeper(depth)?;
            f = match op.as_str() {
                "!" => f.not(),
                "X" => Ltl::next(f),
                "F" => Ltl::eventually(f),
                _ => Ltl::always(f),
            };
        }
        Ok((f, depth))
    }

    fn operand(&mut self) -> Result<(Ltl<S>, usize), Error> {
        let Some(tok) = self.peek().map(str::to_owned) else { return Err(self.fail("a formula")) };
        self.pos += 1;
        match tok.as_str() {
            "(" => {
                self.open += 1;
                if self.open > MAX_PARENTHESES {
                    self.pos -= 1;
                    let at = self.offset();
                    return Err(Error::new(
                        ErrorKind::Formula,
                        format!("LTL formula: more than {MAX_PARENTHESES} parentheses open at offset {at}"),
                    )
                    .at(at));
                }
                let f = self.implication()?;
                if self.peek() != Some(")") {
                    return Err(self.fail("')'"));
                }
                self.open -= 1;
                self.pos += 1;
                Ok(f)
            }
            ")" | "&" | "|" | "->" | "U" | "R" | "W" => {
                self.pos -= 1;
                Err(self.fail("a formula"))
            }
            name => match (self.atoms)(name) {
                Some(p) => Ok((Ltl::Atom(Atom::from_predicate(name, p)), 1)),
                None if name == "true" => Ok((Ltl::atom("true", |_| true), 1)),
                None if name == "false" => Ok((Ltl::atom("false", |_| false), 1)),
                None => {
                    self.pos -= 1;
                    let at = self.offset();
                    Err(Error::new(
                        ErrorKind::Formula,
                        format!("LTL formula: unknown atom '{name}' at offset {at}"),
                    )
                    .at(at))
                }
            },
        }
    }
}

impl<S> std::ops::Not for Ltl<S> {
    type Output = Ltl<S>;
    fn not(self) -> Ltl<S> {
        Ltl::Not(Box::new(self))
    }
}

impl<S> std::ops::BitAnd for Ltl<S> {
    type Output = Ltl<S>;
    fn bitand(self, rhs: Self) -> Ltl<S> {
        Ltl::And(Box::new(self), Box::new(rhs))
    }
}

impl<S> std::ops::BitOr for Ltl<S> {
    type Output = Ltl<S>;
    fn bitor(self, rhs: Self) -> Ltl<S> {
        Ltl::Or(Box::new(self), Box::new(rhs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atoms(name: &str) -> Option<Predicate<u8>> {
        match name {
            "p" => Some(Arc::new(|s: &u8| *s == 0)),
            "q" => Some(Arc::new(|s: &u8| *s == 1)),
            _ => None,
        }
    }

    #[test]
    fn text_round_trips() {
        for text in [
            "q",
            "!p",
            "G F p",
            "(q -> F p)",
            "G (q -> F p)",
            "((p & q) | !q)",
            "X G p",
            "(p U (q R p))",
            "(q W p)",
            "!G q",
            "F F q",
            "((p -> q) -> X p)",
        ] {
            assert_eq!(Ltl::parse(text, atoms).unwrap().to_string(), text);
        }
    }

    #[test]
    fn precedence_without_parentheses() {
        assert_eq!(Ltl::parse("p & q | p -> q", atoms).unwrap().to_string(), "(((p & q) | p) -> q)");
        assert_eq!(Ltl::parse("p U q U p", atoms).unwrap().to_string(), "(p U (q U p))");
        assert_eq!(Ltl::parse("!p U G q", atoms).unwrap().to_string(), "(!p U G q)");
        assert_eq!(Ltl::parse("true U p", atoms).unwrap().to_string(), "(true U p)");
    }

    #[test]
    fn errors_name_the_place() {
        let e = Ltl::parse("(p & zz)", atoms).unwrap_err();
        assert_eq!(e.position(), Some(5));
        assert!(e.message().contains("unknown atom 'zz'"));
        assert_eq!(Ltl::parse("(p & q", atoms).unwrap_err().position(), Some(6));
        assert_eq!(Ltl::parse("p q", atoms).unwrap_err().position(), Some(2));
        assert_eq!(Ltl::parse("p $ q", atoms).unwrap_err().position(), Some(2));
    }

    #[test]
    fn negation_normal_form() {
        let f = |t: &str| Ltl::parse(t, atoms).unwrap().nnf().to_string();
        assert_eq!(f("!!p"), "p");
        assert_eq!(f("!(p & q)"), "(!p | !q)");
        assert_eq!(f("!(p -> q)"), "(p & !q)");
        assert_eq!(f("!X p"), "X !p");
        assert_eq!(f("!F p"), "G !p");
        assert_eq!(f("!G p"), "F !p");
        assert_eq!(f("!(p U q)"), "(!p R !q)");
        assert_eq!(f("!(p R q)"), "(!p U !q)");
        assert_eq!(f("!(p W q)"), "(!q U (!p & !q))");
        assert_eq!(f("G (q -> F p)"), "G (q -> F p)");
    }
}
