//! Background threads for checks and workspace scans. Every job runs under `catch_unwind`: a panic in the
//! engine ends that job (its result says so), never the server.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crossbeam_channel::{Sender, unbounded};

type Job = Box<dyn FnOnce() + Send>;

pub(crate) struct Pool {
    sender: Sender<Job>,
}

impl Pool {
    pub(crate) fn new(n_threads: usize) -> Pool {
        let (sender, receiver) = unbounded::<Job>();
        for i in 0..n_threads.max(1) {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("hindsight-lsp-worker-{i}"))
                .spawn(move || {
                    for job in receiver {
                        let _ = catch_unwind(AssertUnwindSafe(job));
                    }
                });
            // Without workers, jobs queue up and are never answered; the server still serves requests that
            // need no check, so this is not fatal.
            drop(spawned);
        }
        Pool { sender }
    }

    pub(crate) fn spawn(&self, job: impl FnOnce() + Send + 'static) {
        let _ = self.sender.send(Box::new(job));
    }
}

/// Runs `f`, turning a panic into an error message.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(payload.as_ref()))
}

pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_string()
    }
}
