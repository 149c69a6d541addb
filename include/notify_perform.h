/* SPDX-License-Identifier: MIT */
/*
 * Performing what the decision chose, and answering: refuse, bind directly
 * on our copies, or hand the call to the executor zygote (a bind with the
 * target's identity, or a bridged connect) and answer when it reports.
 */
#pragma once

#include <stdbool.h>

#include "emulate.h"
#include "notify_state.h"

/* Answer id with err (never CONTINUE). */
void respond(struct sj_notify *n, uint64_t id, int err);

/* Let the call go on as made (the kernel reads its arguments again). */
void respond_continue(struct sj_notify *n, uint64_t id);

/* The denial line (unless --quiet) and the --audit record of ev. */
void record(struct sj_notify *n, struct sj_audit_event *ev);

/* The --audit record of ev only (no line on stderr). */
void record_audit(struct sj_notify *n, struct sj_audit_event *ev);

/* Record and refuse; 1 when --on-deny kill asks for the sandbox to die (no answer then). */
int perform_deny(struct sj_notify *n, uint64_t id, struct pending *p);

/* Bind c's copy of the address on c's copy of the socket, close that, record, answer. */
void perform_direct(struct sj_notify *n, struct sj_call *c, struct pending *p);

/* Queue an executor request (taking p's fds); 1 when --on-deny kill asks for the sandbox to die. */
int perform_executor(struct sj_notify *n, struct pending *p);

/*
 * --abstract-bridge: connect a new socket of the target's type, in our
 * netns, to c's copy of the address, as the target (the executor), then
 * install it over the target's fd and answer 0 (notify_perform.c, when
 * the executor reports). 1 for --on-deny kill.
 */
int perform_bridge(struct sj_notify *n, const struct sj_call *c, struct pending *p);

/* Close what a pending request still holds. */
void pending_release(struct pending *p);

/* The zygote answered id with res: finish that request. 1 for --on-deny kill. */
int perform_executor_done(struct sj_notify *n, uint64_t id, struct sj_emulate_result res);

/* The zygote is gone: fail what it had in hand. 1 for --on-deny kill. */
int perform_executor_lost(struct sj_notify *n);

/* Send queued requests while the zygote takes them. 1 for --on-deny kill. */
int perform_executor_pump(struct sj_notify *n);
