//! The transport: one timely worker per process, driven round by round.
//!
//! timely runs its worker on a thread of its own (its closures are `'static`, and the model is
//! borrowed), so the worker serves rounds: the search hands it what to send over a channel and
//! gets back what arrived. The dataflow is a single exchange: a record `(to, from, bytes)` goes
//! to worker `to`, where an operator keeps it, with its round (a process that is ahead may send
//! the next round's records early), until the round is over. A round sends at most one record
//! to each other process, closes its timestamp, and steps the worker until timely's progress
//! tracking says every record of that timestamp has been delivered everywhere: that is the
//! barrier of a level-synchronous search, and the only protocol there is.
//!
//! A process that dies closes its TCP connections; timely's network threads then poison the
//! channels of the survivors, whose worker panics at its next step. That panic is caught here
//! and becomes an [`Error`]. A process that stops answering without dying is caught by the
//! cluster's stall timeout, counted only while this process polls (so a process paused by a
//! signal does not time itself out when it resumes).

use std::any::Any;
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use timely::communication::WorkerGuards;
use timely::container::CapacityContainerBuilder;
use timely::dataflow::channels::pact::Exchange;
use timely::dataflow::operators::generic::operator::Operator;
use timely::dataflow::operators::{Input, Probe};
use timely::dataflow::{InputHandleVec, ProbeHandle};
use timely::worker::Worker;

use super::{Cluster, Error};

/// One record: (destination process, source process, payload).
type Record = (u32, u32, Vec<u8>);

/// What the worker answers: a round's arrivals by sender, or why the cluster failed.
type Reply = Result<Vec<Vec<u8>>, String>;

/// How long one wait for the worker lasts before the stall clock is read again.
const POLL: Duration = Duration::from_millis(50);

/// This process's end of the cluster.
pub(super) struct Net {
    requests: Option<Sender<Vec<Vec<u8>>>>,
    replies: Receiver<Reply>,
    /// timely's worker and network threads: joined (for at most the stall timeout) when the
    /// search ends well, forgotten once the cluster has failed (joining could wait for a peer
    /// that is gone).
    guards: Option<WorkerGuards<()>>,
    me: usize,
    peers: usize,
    timeout: Duration,
    /// Payload bytes this process sent to other processes.
    sent: u64,
    failed: bool,
}

impl Net {
    /// Connect to every process of `cluster` (each one calls this) and start the worker.
    pub(super) fn connect(cluster: &Cluster) -> Result<Net, Error> {
        let communication = if cluster.processes() == 1 {
            timely::CommunicationConfig::Thread
        } else {
            timely::CommunicationConfig::Cluster {
                threads: 1,
                process: cluster.process(),
                addresses: cluster.addresses().to_vec(),
                report: false,
                zerocopy: false,
                log_fn: std::sync::Arc::new(|_| None),
            }
        };
        let config = timely::Config { communication, worker: timely::WorkerConfig::default() };
        let (requests, requested) = channel::<Vec<Vec<u8>>>();
        let (reply, replies) = channel::<Reply>();
        let ends = Mutex::new(Some((requested, reply)));
        let me = cluster.process();
        // timely retries connections forever: it connects on a thread of its own, and this one
        // waits for the worker's first word for at most the timeout.
        let (started, start) = channel();
        std::thread::Builder::new()
            .name("musil-connect".into())
            .spawn(move || {
                let guards = timely::execute(config, move |worker| {
                    let ends = ends.lock().unwrap_or_else(|e| e.into_inner()).take();
                    if let Some((requested, reply)) = ends {
                        serve(worker, me, requested, reply);
                    }
                });
                let _ = started.send(guards);
            })
            .map_err(|e| Error::connect(format!("cannot start the connecting thread: {e}")))?;
        let mut net = Net {
            requests: Some(requests),
            replies,
            guards: None,
            me,
            peers: cluster.processes(),
            timeout: cluster.get_timeout(),
            sent: 0,
            failed: false,
        };
        // The worker says it is ready with an empty reply.
        if let Err(e) = net.wait() {
            // Say why the connection failed, when timely said.
            if let Ok(Err(message)) = start.try_recv() {
                return Err(Error::connect(message));
            }
            return Err(Error::connect(format!(
                "not every process of {:?} answered within {:?} ({e})",
                cluster.addresses(),
                cluster.get_timeout()
            )));
        }
        net.guards = start.recv().ok().and_then(Result::ok);
        Ok(net)
    }

    /// This process's index.
    pub(super) fn me(&self) -> usize {
        self.me
    }

    /// The number of processes.
    pub(super) fn peers(&self) -> usize {
        self.peers
    }

    /// Payload bytes sent to other processes so far.
    pub(super) fn sent(&self) -> u64 {
        self.sent
    }

    /// One round: `outgoing[q]` goes to process `q` (this process's own part is handed back
    /// without a copy); returns what each process sent here, by sender.
    pub(super) fn exchange(&mut self, mut outgoing: Vec<Vec<u8>>) -> Result<Vec<Vec<u8>>, Error> {
        debug_assert_eq!(outgoing.len(), self.peers);
        let own = std::mem::take(&mut outgoing[self.me]);
        self.sent += outgoing.iter().map(|b| b.len() as u64).sum::<u64>();
        let sent = self.requests.as_ref().is_some_and(|r| r.send(outgoing).is_ok());
        if !sent {
            return Err(self.fail(Error::lost(self.me, "timely's worker has stopped".into())));
        }
        let mut incoming = self.wait()?;
        incoming[self.me] = own;
        Ok(incoming)
    }

    /// One round in which every process sends `mine` to every other: every process's part, by
    /// process.
    pub(super) fn all_gather(&mut self, mine: Vec<u8>) -> Result<Vec<Vec<u8>>, Error> {
        self.exchange(vec![mine; self.peers])
    }

    /// The worker's answer, within the stall timeout (counted only while this thread waits, so
    /// a pause of the whole process by a signal counts as one poll at most).
    fn wait(&mut self) -> Result<Vec<Vec<u8>>, Error> {
        let mut waited = Duration::ZERO;
        loop {
            let before = Instant::now();
            match self.replies.recv_timeout(POLL) {
                Ok(Ok(incoming)) => return Ok(incoming),
                Ok(Err(message)) => return Err(self.fail(Error::lost(self.me, message))),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.fail(Error::lost(self.me, "timely's worker has stopped".into())));
                }
                Err(RecvTimeoutError::Timeout) => {
                    waited += before.elapsed().min(POLL * 4);
                    if waited > self.timeout {
                        return Err(self.fail(Error::stalled(self.me, self.timeout)));
                    }
                }
            }
        }
    }

    /// The cluster failed: timely's threads are left to end with the process.
    fn fail(&mut self, error: Error) -> Error {
        self.failed = true;
        error
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        // Closing the requests lets the worker finish; its threads are joined only when the
        // cluster is sound.
        self.requests = None;
        if let Some(guards) = self.guards.take() {
            if self.failed || std::thread::panicking() {
                std::mem::forget(guards);
            } else {
                // timely's threads end once every process has closed its input: a clean end
                // is waited for, but no longer than the stall timeout (a peer that hangs after
                // the last round must not hold this answer back).
                let (done, joined) = channel();
                let joining = std::thread::Builder::new().name("musil-join".into()).spawn(move || {
                    let _ = guards.join();
                    let _ = done.send(());
                });
                if joining.is_ok() {
                    let _ = joined.recv_timeout(self.timeout);
                }
            }
        }
    }
}

/// The worker's side: build the exchange, say it is ready, then serve rounds until the search
/// closes the requests.
fn serve(worker: &mut Worker, me: usize, requested: Receiver<Vec<Vec<u8>>>, reply: Sender<Reply>) {
    let mut input = InputHandleVec::new();
    let probe = ProbeHandle::new();
    // Records with their round: a process that is ahead may send the next round's records
    // before this one has seen the end of the current round.
    let inbox: Rc<RefCell<Vec<(u64, Record)>>> = Rc::default();
    let sink = Rc::clone(&inbox);
    worker.dataflow::<u64, _, _>(|scope| {
        scope
            .input_from(&mut input)
            .container::<Vec<Record>>()
            .unary::<CapacityContainerBuilder<Vec<()>>, _, _, _>(
                Exchange::new(|r: &Record| u64::from(r.0)),
                "musil-inbox",
                move |_, _| {
                    move |records, _| {
                        records.for_each(|time, batch| {
                            let round = *time.time();
                            sink.borrow_mut().extend(batch.drain(..).map(|r| (round, r)));
                        });
                    }
                },
            )
            .probe_with(&probe);
    });
    let peers = worker.peers();
    if reply.send(Ok(Vec::new())).is_err() {
        return;
    }
    while let Ok(outgoing) = requested.recv() {
        for (to, bytes) in outgoing.into_iter().enumerate() {
            if to != me && !bytes.is_empty() {
                input.send((to as u32, me as u32, bytes));
            }
        }
        let round = *input.time();
        input.advance_to(round + 1);
        let stepped = catch_unwind(AssertUnwindSafe(|| {
            while probe.less_than(input.time()) {
                worker.step_or_park(Some(POLL));
            }
        }));
        if let Err(payload) = stepped {
            let _ = reply.send(Err(panic_text(&*payload)));
            // The worker is broken: leave it to end with the process.
            std::mem::forget(input);
            loop {
                std::thread::park();
            }
        }
        let mut incoming: Vec<Vec<u8>> = vec![Vec::new(); peers];
        let mut arrived = inbox.borrow_mut();
        let mut later = Vec::new();
        for (time, (_, from, bytes)) in arrived.drain(..) {
            if time != round {
                later.push((time, (0, from, bytes)));
                continue;
            }
            let slot = &mut incoming[from as usize];
            if slot.is_empty() {
                *slot = bytes;
            } else {
                slot.extend_from_slice(&bytes);
            }
        }
        *arrived = later;
        drop(arrived);
        if reply.send(Ok(incoming)).is_err() {
            return;
        }
    }
    input.close();
}

/// The text of a caught panic.
fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}
