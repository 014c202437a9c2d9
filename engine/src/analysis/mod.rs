//! Analyses of what rules contain, rather than of the code they check: today, regular expressions that can
//! backtrack catastrophically (HS6002).

pub mod backtracking;
