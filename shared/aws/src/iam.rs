//! What each Lambda function may ask of AWS, kept next to the adapters that ask it: every
//! adapter operation with the IAM actions it needs (for the table, down to the partition-key
//! prefixes of the items it touches), and every function with the operations its handler can
//! reach. template.yaml grants each function exactly this (a test reads both), and the handler
//! tests record every call a function makes on moto and check it against the template.
//!
//! Table items are named by their partition-key prefixes ([`crate::schema`]); template.yaml
//! limits each function to them with `dynamodb:LeadingKeys` conditions. Index queries are
//! granted on the indexes without such a condition (what a `LeadingKeys` condition means for an
//! index's partition key is not documented well enough to bet a deployment on it); they read.

/// Where an action applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum On {
    /// Items of the table whose partition key matches one of these `LeadingKeys` patterns.
    Items(&'static [&'static str]),
    /// The table's global secondary indexes (queries).
    Indexes,
    /// One global secondary index of the table, by name (queries).
    Index(&'static str),
    /// The link-signing secret.
    LinkSecret,
    /// The webhook endpoints' signing secrets.
    WebhookSecrets,
    /// Buildium's credentials (only in a stack that connects Buildium).
    BuildiumSecret,
    /// The SES identity of the sender (`ses:FromAddress` condition).
    Sender,
    /// Phone numbers (SNS publishes to a number; no topic).
    PhoneNumbers,
    /// The schedules of the stack's group.
    Schedules,
    /// The role schedules run as (passed to the scheduler).
    SchedulerRole,
    /// Objects of the file bucket under `uploads/` and `files/`.
    Files,
    /// Objects of the file bucket under `archive/timelines/` (archived timelines).
    Archive,
    /// The file bucket itself (listing tells a missing object from a forbidden one).
    Bucket,
}

/// One action an operation needs, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub action: &'static str,
    pub on: On,
}

/// An adapter operation (or a group of operations always used together).
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    pub name: &'static str,
    /// The adapter methods it stands for.
    pub methods: &'static str,
    pub needs: &'static [Need],
}

const fn need(action: &'static str, on: On) -> Need {
    Need { action, on }
}

// Partition-key patterns of the table's items (see `schema`; checked there by a test).
pub const WORK_ORDER: &str = "WO#*";
pub const BY_VENDOR: &str = "BYVENDOR#*";
pub const BY_PHONE: &str = "BYPHONE#*";
pub const BY_CODE: &str = "BYCODE#*";
pub const OUTBOX: &str = "OUTBOX#*";
pub const IDEMPOTENCY: &str = "IDEM#*";
pub const VISIT: &str = "VISIT#*";
pub const OPT_OUTS: &str = "OPTOUTS";
pub const CALENDAR: &str = "CAL#*";
pub const SENT: &str = "SENT#*";
pub const CONFIG: &str = "CONFIG";
pub const LIMIT: &str = "LIMIT#*";
pub const WEBHOOK: &str = "WEBHOOK#*";
pub const API_KEYS: &str = "APIKEYS";
pub const METRIC: &str = "METRIC#*";
pub const PMS_CURSOR: &str = "PMS#*";

/// At cold start, every function: the link secret and the portfolio.
pub const START: Operation = Operation {
    name: "start",
    methods: "Aws::connect (read_secret, read_portfolio)",
    needs: &[
        need("secretsmanager:GetSecretValue", On::LinkSecret),
        need("dynamodb:GetItem", On::Items(&[CONFIG])),
    ],
};

/// Reading work orders, their timelines and lookups, idempotency keys and opt-outs.
pub const READ: Operation = Operation {
    name: "read",
    methods: "DynamoStore::load, timeline, open_for_vendor, open_for_tenant_phone, open_by_code, \
              vendor_appointments, idempotent, opted_out, is_opted_out",
    needs: &[
        need(
            "dynamodb:GetItem",
            On::Items(&[WORK_ORDER, IDEMPOTENCY, OPT_OUTS]),
        ),
        need(
            "dynamodb:Query",
            On::Items(&[WORK_ORDER, BY_VENDOR, BY_PHONE, BY_CODE, OPT_OUTS]),
        ),
        need("dynamodb:BatchGetItem", On::Items(&[WORK_ORDER])),
    ],
};

/// Lists through the indexes: work orders by status or property, visits, the outbox.
pub const LIST: Operation = Operation {
    name: "list",
    methods: "DynamoStore::list, page, visits_between, pending_outbox",
    needs: &[need("dynamodb:Query", On::Indexes)],
};

/// A texting tenant's earlier work orders, open or closed: one index, nothing else.
pub const TENANT_HISTORY: Operation = Operation {
    name: "tenant history",
    methods: "DynamoStore::latest_for_tenant_phone",
    needs: &[need("dynamodb:Query", On::Index(crate::schema::GSI6))],
};

/// One transition's transaction (`TransactWriteItems` is authorized item by item).
pub const COMMIT: Operation = Operation {
    name: "commit",
    methods: "DynamoStore::commit",
    needs: &[
        need(
            "dynamodb:PutItem",
            On::Items(&[
                WORK_ORDER,
                BY_VENDOR,
                BY_PHONE,
                BY_CODE,
                OUTBOX,
                IDEMPOTENCY,
                VISIT,
            ]),
        ),
        need(
            "dynamodb:DeleteItem",
            On::Items(&[BY_VENDOR, BY_PHONE, BY_CODE]),
        ),
        // The metrics projection's deltas (`ADD` to `METRIC#` rows, in the transaction).
        need("dynamodb:UpdateItem", On::Items(&[METRIC])),
    ],
};

/// The metrics page: one query per week of its period.
pub const METRICS: Operation = Operation {
    name: "metrics",
    methods: "DynamoStore::read (MetricsProjection)",
    needs: &[need("dynamodb:Query", On::Items(&[METRIC]))],
};

/// A commit that takes or gives up a vendor's booking reads that vendor's calendar and
/// rewrites it in the same transaction: the functions whose transitions can pick, reschedule,
/// cancel or close a booked job need it (see `FUNCTIONS`); the others do not.
pub const BOOK: Operation = Operation {
    name: "book",
    methods: "DynamoStore::commit (calendar::calendars)",
    needs: &[
        need("dynamodb:GetItem", On::Items(&[CALENDAR])),
        need("dynamodb:PutItem", On::Items(&[CALENDAR])),
    ],
};

/// Outbox records that belong to no work order (replies, sign-in links) with their key.
pub const COMMIT_OUTBOX: Operation = Operation {
    name: "commit_outbox",
    methods: "DynamoStore::commit_outbox",
    needs: &[need("dynamodb:PutItem", On::Items(&[IDEMPOTENCY, OUTBOX]))],
};

/// An outbox record carried out is deleted.
pub const OUTBOX_DONE: Operation = Operation {
    name: "outbox_done",
    methods: "DynamoStore::outbox_done",
    needs: &[need("dynamodb:DeleteItem", On::Items(&[OUTBOX]))],
};

/// Visits made at the desk.
pub const VISITS: Operation = Operation {
    name: "visits",
    methods: "DynamoStore::visit, save_manual_visit",
    needs: &[
        need("dynamodb:GetItem", On::Items(&[VISIT])),
        need("dynamodb:PutItem", On::Items(&[VISIT])),
    ],
};

/// STOP and START.
pub const OPT_OUT: Operation = Operation {
    name: "opt_out",
    methods: "DynamoStore::set_opted_out",
    needs: &[
        need("dynamodb:PutItem", On::Items(&[OPT_OUTS])),
        need("dynamodb:DeleteItem", On::Items(&[OPT_OUTS])),
    ],
};

/// Email and SMS, each once per outbox id (the `SENT#` guard).
pub const SEND: Operation = Operation {
    name: "send",
    methods: "SesMailer::send, SnsTexter::send, SentGuard::claim, sent, release",
    needs: &[
        need("dynamodb:PutItem", On::Items(&[SENT])),
        need("dynamodb:UpdateItem", On::Items(&[SENT])),
        need("dynamodb:DeleteItem", On::Items(&[SENT])),
        // SES authorizes a raw MIME message (an email with an invite) as SendRawEmail.
        need("ses:SendEmail", On::Sender),
        need("ses:SendRawEmail", On::Sender),
        need("sns:Publish", On::PhoneNumbers),
    ],
};

/// Work-order timers set and cancelled.
pub const TIMERS: Operation = Operation {
    name: "timers",
    methods: "SchedulerTimers::set, cancel",
    needs: &[
        need("scheduler:CreateSchedule", On::Schedules),
        need("scheduler:DeleteSchedule", On::Schedules),
        need("iam:PassRole", On::SchedulerRole),
    ],
};

/// A recurring template's schedule made sure of after each occurrence.
pub const RECURRING_TIMER: Operation = Operation {
    name: "recurring_timer",
    methods: "SchedulerTimers::set (recurring: create_recurring)",
    needs: &[
        need("scheduler:CreateSchedule", On::Schedules),
        need("iam:PassRole", On::SchedulerRole),
    ],
};

/// Attached files: uploads checked and adopted, files shown.
pub const FILES: Operation = Operation {
    name: "files",
    methods: "S3Files (head, read_start, adopt, presign)",
    needs: &[
        need("s3:GetObject", On::Files),
        need("s3:PutObject", On::Files),
        need("s3:ListBucket", On::Bucket),
    ],
};

/// Old timelines archived (`mendwork_app::archive`): the document written (and read back by
/// the timeline), the mark a conditioned put of the work order, the release an update of the
/// event items' `expires_at` and of the work order's index keys; the due page is an index
/// query (`LIST`).
pub const ARCHIVE: Operation = Operation {
    name: "archive",
    methods: "DynamoStore::mark_archived, release_archived; S3Files::put_document, read_document",
    needs: &[
        need("dynamodb:PutItem", On::Items(&[WORK_ORDER])),
        need("dynamodb:UpdateItem", On::Items(&[WORK_ORDER])),
        need("s3:PutObject", On::Archive),
        need("s3:GetObject", On::Archive),
    ],
};

/// An archived timeline read from its document: every function that shows a timeline.
pub const ARCHIVE_READ: Operation = Operation {
    name: "archive_read",
    methods: "S3Files::read_document (App::timeline_of)",
    needs: &[need("s3:GetObject", On::Archive)],
};

/// Stored rate limits of the public edges (the tenant form, its single-use stamp, sign-in).
pub const LIMITS: Operation = Operation {
    name: "limits",
    methods: "DynamoLimits::take",
    needs: &[need("dynamodb:UpdateItem", On::Items(&[LIMIT]))],
};

/// The webhook endpoints' secrets, read at start by the functions that send webhooks.
pub const WEBHOOK_SECRETS: Operation = Operation {
    name: "webhook_secrets",
    methods: "Aws::connect (webhook_secrets)",
    needs: &[need("secretsmanager:GetSecretValue", On::WebhookSecrets)],
};

/// Buildium's credentials, read at start by the functions that talk to it: the poll, and the
/// outbox and sweeper, which store and send its updates.
pub const BUILDIUM_SECRET: Operation = Operation {
    name: "buildium_secret",
    methods: "Aws::connect (secrets::buildium_config)",
    needs: &[need("secretsmanager:GetSecretValue", On::BuildiumSecret)],
};

/// The PMS pull's cursor read and moved (a put conditioned on the value read).
pub const PMS_CURSORS: Operation = Operation {
    name: "pms_cursors",
    methods: "DynamoPmsCursors::cursor, set_cursor",
    needs: &[
        need("dynamodb:GetItem", On::Items(&[PMS_CURSOR])),
        need("dynamodb:PutItem", On::Items(&[PMS_CURSOR])),
    ],
};

/// Webhook deliveries stored and their attempts recorded (their due query and log are index
/// queries: `LIST`).
pub const DELIVER: Operation = Operation {
    name: "deliver",
    methods: "DynamoDeliveries::put, record",
    needs: &[need("dynamodb:PutItem", On::Items(&[WEBHOOK]))],
};

/// A call to the JSON API with an API key: the key read, its last use written (at most once a
/// minute), its hourly allowance taken (`LIMITS`). Every function that serves `/api` needs it.
pub const API_KEY_CALLS: Operation = Operation {
    name: "api_key_calls",
    methods: "DynamoApiKeys::find, touch",
    needs: &[
        need("dynamodb:GetItem", On::Items(&[API_KEYS])),
        need("dynamodb:UpdateItem", On::Items(&[API_KEYS])),
    ],
};

/// The dashboard's API keys page: keys listed, made and revoked.
pub const API_KEY_ADMIN: Operation = Operation {
    name: "api_key_admin",
    methods: "DynamoApiKeys::list, create, revoke",
    needs: &[
        need("dynamodb:Query", On::Items(&[API_KEYS])),
        need("dynamodb:PutItem", On::Items(&[API_KEYS])),
        need("dynamodb:UpdateItem", On::Items(&[API_KEYS])),
    ],
};

/// Each function (its template resource) and the operations its handler can reach.
pub const FUNCTIONS: &[(&str, &[Operation])] = &[
    (
        "IntakeFunction",
        &[START, READ, COMMIT, BOOK, FILES, LIMITS, ARCHIVE_READ],
    ),
    // The owner's decision never takes or gives up a booking (asking for approval already
    // gave it up), so the approval function has no calendar.
    ("ApprovalFunction", &[START, READ, COMMIT]),
    (
        "PmFunction",
        &[
            START,
            READ,
            LIST,
            METRICS,
            COMMIT,
            BOOK,
            COMMIT_OUTBOX,
            LIMITS,
            WEBHOOK_SECRETS,
            DELIVER,
            API_KEY_CALLS,
            API_KEY_ADMIN,
            ARCHIVE_READ,
        ],
    ),
    // A check-in keeps the booking; the rest have no transition that changes one (dispatch
    // runs triage, outbox records a refused message, the accept timeout re-offers, the
    // sweeper re-drives those and flags what is overdue).
    // The desk serves `/api/visits`, which an integration may call with its key.
    (
        "DeskFunction",
        &[START, READ, LIST, COMMIT, VISITS, API_KEY_CALLS, LIMITS],
    ),
    ("DispatchFunction", &[START, READ, COMMIT, OUTBOX_DONE]),
    (
        "OutboxFunction",
        &[
            START,
            READ,
            COMMIT,
            OUTBOX_DONE,
            SEND,
            TIMERS,
            WEBHOOK_SECRETS,
            BUILDIUM_SECRET,
            DELIVER,
        ],
    ),
    (
        "SmsInboundFunction",
        &[
            START,
            READ,
            TENANT_HISTORY,
            COMMIT,
            BOOK,
            COMMIT_OUTBOX,
            OPT_OUT,
        ],
    ),
    ("AcceptTimeoutFunction", &[START, READ, COMMIT]),
    ("FollowupsFunction", &[START, READ, COMMIT, BOOK]),
    ("RecurringFunction", &[START, READ, COMMIT, RECURRING_TIMER]),
    (
        "SweeperFunction",
        &[
            START,
            READ,
            LIST,
            COMMIT,
            OUTBOX_DONE,
            SEND,
            TIMERS,
            WEBHOOK_SECRETS,
            BUILDIUM_SECRET,
            DELIVER,
            ARCHIVE,
        ],
    ),
    // Only in a stack that connects Buildium: requests made there become work orders (the
    // idempotency key read, the new work order committed), the cursor moves.
    (
        "PmsPollFunction",
        &[START, READ, COMMIT, PMS_CURSORS, BUILDIUM_SECRET],
    ),
];

/// Every (action, where) a function needs, each once.
pub fn needs_of(function: &str) -> Option<Vec<Need>> {
    let (_, ops) = FUNCTIONS.iter().find(|(f, _)| *f == function)?;
    let mut out: Vec<Need> = vec![];
    for op in *ops {
        for n in op.needs {
            if !out.contains(n) {
                out.push(*n);
            }
        }
    }
    Some(out)
}

/// Every (action, key pattern) a function needs on the table's items.
pub fn item_grants(function: &str) -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    for n in needs_of(function).unwrap_or_default() {
        if let On::Items(keys) = n.on {
            for k in keys {
                out.insert((n.action.to_string(), (*k).to_string()));
            }
        }
    }
    out
}

/// Whether `key` (a partition-key value) matches `pattern` as IAM's `StringLike` does for the
/// patterns used here (a literal, or a prefix and `*`).
pub fn key_matches(pattern: &str, key: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => key.starts_with(prefix),
        None => key == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    #[test]
    fn every_key_pattern_is_the_one_the_schema_writes() {
        let cases = [
            (WORK_ORDER, schema::wo_pk("wo-abc")),
            (BY_VENDOR, schema::by_vendor_pk("pat")),
            (BY_PHONE, schema::by_phone_pk("+15550100")),
            (BY_CODE, schema::by_code_pk("KP27")),
            (OUTBOX, schema::outbox_pk("wo-abc/1/0")),
            (IDEMPOTENCY, schema::idem_pk("sms:1")),
            (VISIT, schema::visit_pk("v-abc-1")),
            (OPT_OUTS, schema::OPTOUTS.to_string()),
            (CALENDAR, schema::calendar_pk("pat")),
            (SENT, schema::sent_pk("wo-abc/1/0")),
            (CONFIG, schema::CONFIG.to_string()),
            (LIMIT, schema::limit_pk("form-ip#00ff#1772463600")),
            (WEBHOOK, crate::deliveries::delivery_pk("pms")),
            (PMS_CURSOR, schema::pms_pk("buildium")),
            (API_KEYS, crate::api_keys::API_KEYS_PK.to_string()),
            (
                METRIC,
                schema::metric_pk(chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default()),
            ),
        ];
        for (pattern, key) in &cases {
            assert!(key_matches(pattern, key), "{pattern} {key}");
            for (other, _) in cases.iter().filter(|(p, _)| p != pattern) {
                assert!(!key_matches(other, key), "{other} also matches {key}");
            }
        }
    }

    #[test]
    fn only_the_senders_send_and_nobody_scans_or_writes_in_batches() {
        for (f, _) in FUNCTIONS {
            let needs = needs_of(f).unwrap_or_default();
            let sends = needs.iter().any(|n| n.action.starts_with("ses:"));
            assert_eq!(
                sends,
                matches!(*f, "OutboxFunction" | "SweeperFunction"),
                "{f}"
            );
            for banned in [
                "dynamodb:Scan",
                "dynamodb:BatchWriteItem",
                "dynamodb:DescribeTable",
            ] {
                assert!(!needs.iter().any(|n| n.action == banned), "{f}: {banned}");
            }
        }
        // The public intake function writes no guard, no opt-out and no configuration.
        let intake = item_grants("IntakeFunction");
        assert!(
            !intake
                .iter()
                .any(
                    |(a, k)| !["dynamodb:GetItem", "dynamodb:Query"].contains(&a.as_str())
                        && [SENT, OPT_OUTS, CONFIG].contains(&k.as_str())
                ),
            "{intake:?}"
        );
    }
}
