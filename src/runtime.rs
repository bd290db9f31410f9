//! The chain: ADD/DEL/CHECK/GC/STATUS over a network list, what libcni's `api.go` does, plus
//! rollback of a failed ADD.
