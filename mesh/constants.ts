/** Protocol ids (libp2p multistream-select names). 2.0.0: one long-lived task session per connection (mesh/protocol/task.ts). */
export const TASK_PROTOCOL = '/tabmesh/task/2.0.0'
export const BLOB_PROTOCOL = '/tabmesh/blob/1.0.0'
/**
 * 2.0.0: cheques are per payment lane (requester × owner), cumulative across jobs. 3.0.0: one
 * long-lived cheque session per connection, beside the task session (mesh/protocol/cheque.ts).
 */
export const CHEQUE_PROTOCOL = '/tabmesh/cheque/3.0.0'
/** Gossipsub topic for capacity ads. */
export const CAPACITY_TOPIC = 'tabmesh/capacity/1'

/** 24 MiB: one task frame (an input or output up to 16 MiB plus envelope); a longer one resets the session unread. */
export const MAX_TASK_MESSAGE_BYTES = 24 * 1024 * 1024
/**
 * Task sessions one connection may have open: 2 (one, and a spare while a replaced one closes);
 * libp2p resets the rest. So one connection holds at most 2 × 24 MiB of a provider's buffers in
 * frames being read, besides the tasks it was granted credit for.
 */
export const TASK_SESSIONS_PER_CONNECTION = 2
/**
 * 256 KiB: tasks (or answers) queued in one tick travel in one frame up to this size, so 1 ms tasks
 * cost one frame per batch rather than one each; a bigger task or output goes in a frame of its own.
 */
export const TASK_BATCH_BYTES = 256 * 1024
/**
 * 2 ms: longest a provider holds a finished task's answer so that answers of short tasks share a
 * frame. It holds answers only while the session has more of its tasks running or queued here than
 * answers waiting (so the workers stay fed), and never the answer of a session's last open task: a
 * lone task or call is answered at once. With 1 ms tasks on 2 providers of 5 slots a frame then
 * carries 2.3 answers and the requester's reply 2.3 tasks, instead of about one each (measured with
 * bench/suites/throughput.ts).
 */
export const TASK_ANSWER_HOLD_MS = 2
/**
 * 1,000 ms: a task session keeps asking for one slot this long after its last task, so a requester
 * that sends one task after another (function calls) finds a slot granted with the previous answer
 * and its next task costs one frame each way instead of three (want → credit → task). The price: an
 * idle session holds at most one of a provider's slots for this long, so another requester waits
 * for a slot at most this much longer when a provider is full.
 */
export const TASK_CREDIT_LINGER_MS = 1_000
/**
 * 60 s: longest a provider waits for a requester's stream to take more bytes (its send buffer full)
 * before it gives the session up: a requester that stops reading holds the provider's answers, and
 * the slots they free, no longer than this.
 */
export const TASK_DRAIN_TIMEOUT_MS = 60_000
/**
 * 20 ms: a provider queues about this much work per worker beyond the task each runs, judged by the
 * mean run time of its recent tasks, so a worker that ends a short task finds the next one waiting
 * while the requester's refill crosses the network (0.5–2 ms on loopback, 20–80 ms over the
 * Internet). Tasks of 20 ms or more queue one per worker. bench/ (throughput): 1 ms tasks ran at
 * 0.62× a local pool with one queued per worker.
 */
export const QUEUED_WORK_PER_WORKER_MS = 20
/**
 * 16: most tasks queued per worker however short they are. Each holds its input until it runs. A
 * provider that stalls no longer holds its queue until the tasks' deadlines: its requesters give its
 * session up after TASK_SILENCE_MS without a frame and send the tasks elsewhere. (With a cap of 16
 * and no such check, a stalled tab held a redundancy-2 job for a minute in e2e/chaos.e2e.test.ts;
 * the cap was 4 then.) bench/ (throughput): with 4, 1 ms tasks ran at 0.78–0.84× a local pool on
 * loopback, the worker idle 30% of the time waiting for a refill; with 12, 0.92–0.98×.
 */
export const MAX_QUEUED_PER_WORKER = 16
/**
 * 2 s: a provider writes a frame at least this often on a session with tasks open (an empty frame
 * when it has nothing else to say), so its requester can tell a provider that is computing from one
 * that has stalled (a frozen tab, a dead link that TCP or SCTP has not noticed yet).
 */
export const TASK_KEEPALIVE_MS = 2_000
/**
 * 10 s (five keep-alives): a requester that has tasks open on a session and has heard nothing on it
 * for this long closes it; the tasks go to other providers and the provider is backed off. Without
 * it a stalled provider held its queued tasks until their deadlines (timeout + TASK_GRACE_MS).
 * Browsers run a background tab's timers at least once a second, so a hidden tab still keeps up.
 */
export const TASK_SILENCE_MS = 10_000
/** 64 MiB: one blob (a module or an input). */
export const MAX_BLOB_BYTES = 64 * 1024 * 1024
/** 4 KiB: one cheque or cheque acknowledgement (an EIP-712 signature, two addresses, an amount). */
export const MAX_CHEQUE_MESSAGE_BYTES = 4096
/** 4 KiB: one capacity ad; bigger ads are rejected by the topic validator. */
export const MAX_AD_BYTES = 4096
/** 64 KiB: inputs up to this size travel inside the TaskRequest instead of a separate blob fetch. */
export const INLINE_INPUT_BYTES = 64 * 1024

/** 5 s between capacity ads: a closed tab drops out of schedulers within AD_TTL_MS. */
export const AD_INTERVAL_MS = 5_000
/** An ad older than this (15 s, three missed ads) no longer counts. */
export const AD_TTL_MS = 15_000
/** Ads stamped more than this in the future are rejected (clock skew allowance). */
export const AD_MAX_FUTURE_MS = 60_000

/** 30 s: simultaneous WebRTC dials were measured timing out below that on a 2-core machine. */
export const DIAL_TIMEOUT_MS = 30_000
/** A task is given up on a provider after its timeout plus this grace (transfer, compile, queueing). */
export const TASK_GRACE_MS = 20_000
/** Dial attempts per provider before it is treated as gone (about 1 WebRTC dial in 9 was measured to hang). */
export const DIAL_ATTEMPTS = 3

/**
 * Task sessions one peer may open with a provider per second: 10. An honest requester opens one per
 * connection and keeps it; tasks inside a session need no rate limit of their own — credit caps what
 * one session holds (workers + queue, shared round-robin with other sessions), so a peer sending
 * 1 ms tasks as fast as it can only gets the provider's fair share.
 */
export const TASK_SESSIONS_PER_PEER_PER_SECOND = 10
/** Blob requests one peer may send per second (a provider fetches one module and at most one input per task). */
export const BLOB_REQUESTS_PER_PEER_PER_SECOND = 2_000
/**
 * Data from any peer (mesh/protocol/blob.ts). A node uploads one blob to at most
 * BLOB_UPLOADS_PER_BLOB peers at a time; once it has uploaded a blob to someone, it sends further
 * askers to those holders instead (a "busy" answer with up to BLOB_HOLDERS_SENT of them), so a
 * requester whose 30 MB module is wanted by 20 providers at once uploads it about twice and the
 * providers pass it on (bench/suites/blob-spread.ts measures it). Blobs under BLOB_SPREAD_MIN_BYTES are
 * always sent directly: a redirect's extra dial costs more than sending them.
 */
export const BLOB_UPLOADS_PER_BLOB = 2
/** 1 MiB: smaller blobs (inputs, small modules) are always served directly. */
export const BLOB_SPREAD_MIN_BYTES = 1024 * 1024
/** Holders named in one busy answer: 8, a random sample of those known. */
export const BLOB_HOLDERS_SENT = 8
/** Holders a node remembers per blob (32) and blobs it remembers holders of (256, least recent forgotten). */
export const BLOB_HOLDERS_KEPT = 32
export const BLOB_HOLDER_BLOBS = 256
/** A fetcher told "busy" with nobody free to ask waits this long before asking again, ms. */
export const BLOB_BUSY_RETRY_MS = 200
/** 60 s: a provider gives up fetching a task's blob after this (the task then fails BLOB_UNAVAILABLE). */
export const BLOB_FETCH_TIMEOUT_MS = 60_000
/** Peers asked in one fetch, in all (busy answers and holders tried included): 256, about a minute of retries. */
export const BLOB_FETCH_ASKS = 256
/** Cheques one requester may send a provider per second (one per accepted result). */
export const CHEQUES_PER_PEER_PER_SECOND = 1_000
/** Cheque sessions one connection may have open: 2 (one, and a spare while a replaced one closes). */
export const CHEQUE_SESSIONS_PER_CONNECTION = 2
/** 10 s: a requester waits this long for a cheque's acknowledgement (the provider checks one signature). */
export const CHEQUE_ACK_TIMEOUT_MS = 10_000

/** A result may wait this long for its cheque (the other replicas must finish first), ms. */
export const CHEQUE_GRACE_MS = 15_000
/** A provider serves a lane whose cheques lag by at most this many delivered results (past the grace). */
export const MAX_UNPAID_TASKS = 1
/**
 * A provider takes no paid task on a lane that closes within this long, ms: it must have time to
 * finish the task, get its cheque and land a claim before the challenge window ends (10 s of task,
 * a few blocks of claim; the local chain's window is 2 min, real networks' 24 h).
 */
export const LANE_CLOSE_MARGIN_MS = 60_000
/** A provider claims a lane once this many tasks' worth of its cheques is unclaimed (and always when the lane starts closing). */
export const CLAIM_THRESHOLD_TASKS = 100
/**
 * A requester funds each lane for this many tasks ahead of what it owes: enough that a provider is
 * never stopped at its credit limit mid-job for want of a top-up, small enough that a close returns it soon.
 */
export const LANE_PREFUND_TASKS = 50
