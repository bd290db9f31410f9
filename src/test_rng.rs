//! A deterministic random generator for tests (xorshift64), and random edits of bytes for the
//! tests that hold two readers of the same input to the same verdict.

/// xorshift64: the same sequence on every run, from a non-zero seed.
pub(crate) struct Rng(pub u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (not zero).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// `seed` with 1 to `edits` random edits: a byte removed, replaced or inserted, the new
    /// bytes taken from `alphabet`.
    pub(crate) fn mutate(&mut self, seed: &[u8], alphabet: &[u8], edits: usize) -> Vec<u8> {
        let mut m = seed.to_vec();
        for _ in 0..1 + self.below(edits) {
            let at = self.below(m.len() + 1);
            match self.below(3) {
                0 if at < m.len() => {
                    m.remove(at);
                }
                1 if at < m.len() => m[at] = alphabet[self.below(alphabet.len())],
                _ => m.insert(at, alphabet[self.below(alphabet.len())]),
            }
        }
        m
    }
}
