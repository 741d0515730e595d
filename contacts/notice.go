package contacts

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"time"
)

// Kind is what a notice is about; it decides who receives it (C-5) and which
// template renders it.
type Kind string

// The notice kinds of C-5, and the test mail of C-4.
const (
	// KindInvoiceIssued goes to the project's invoice recipients (M-2), given by the
	// caller.
	KindInvoiceIssued Kind = "invoice_issued"
	// KindChargeAlarm goes to the account's billing recipients.
	KindChargeAlarm Kind = "charge_alarm"
	// KindMaintenance and KindTechnicalNotice go to the technical recipients.
	KindMaintenance     Kind = "maintenance"
	KindTechnicalNotice Kind = "technical_notice"
	// KindSecurityAlert goes to the security recipients; KindSecurityIncident too,
	// and carries the emergency phones for the operators who call them (C-3).
	KindSecurityAlert    Kind = "security_alert"
	KindSecurityIncident Kind = "security_incident"
	// KindSupportReply goes to the inquirer (or the reseller's desk), given by the
	// caller.
	KindSupportReply Kind = "support_reply"
	// KindInvitation goes to the invitee, given by the caller.
	KindInvitation Kind = "invitation"
	// KindPasswordReset goes to the identity's email, given by the caller.
	KindPasswordReset Kind = "password_reset"
	// KindSignup goes to an address that asked to create an identity, with the
	// link proving it holds the address (identity's signup mail).
	KindSignup Kind = "signup"
	// KindTestMail is the test message of C-4, sent to a proposed list before it is
	// saved.
	KindTestMail Kind = "test_mail"
)

// Kinds returns every notice kind in a fixed order.
func Kinds() []Kind {
	return []Kind{KindInvoiceIssued, KindChargeAlarm, KindMaintenance, KindTechnicalNotice, KindSecurityAlert,
		KindSecurityIncident, KindSupportReply, KindInvitation, KindPasswordReset, KindSignup, KindTestMail}
}

// NoticeState is where a notice is in its delivery (C-7).
type NoticeState string

// The delivery states: queued → sent, or queued → (retrying …) → dead after the
// last attempt or a permanent failure. A notice being sent is still queued, with a
// lease (Notice.LeaseUntil) naming the dispatcher that holds it.
const (
	NoticeQueued NoticeState = "queued"
	NoticeSent   NoticeState = "sent"
	NoticeDead   NoticeState = "dead"
)

// Notice is one message in the outbox (C-7): written in the transaction of the
// change that causes it, rendered in its language, then delivered by a Dispatcher,
// at least once and usually exactly once; every transport receives Key, so a
// receiver can drop a repeat.
type Notice struct {
	ID    string
	Key   string // idempotency key: unique in its organization; the same key enqueued twice is one notice
	OrgID string // the organization it concerns ("" for none, e.g. a password reset)
	// AccountID is the AWS account it concerns, when routed by account (C-5).
	AccountID  string
	Kind       Kind
	Language   Language
	To         []string
	CC         []string
	Phones     []string // a security incident's emergency phones, in order (C-3)
	Subject    string
	Text       string // the text/plain body
	HTML       string // the text/html body
	Data       json.RawMessage
	State      NoticeState
	Attempts   int       // delivery attempts started
	NextAt     time.Time // when it is due (again)
	LeaseOwner string    // the dispatcher holding it, while it is being sent
	LeaseUntil time.Time
	LastError  string // the last failure, bounded; empty once sent
	CreatedAt  time.Time
	SentAt     time.Time // zero until sent
}

// Clone returns a deep copy of n.
func (n Notice) Clone() Notice {
	n.To, n.CC, n.Phones = slices.Clone(n.To), slices.Clone(n.CC), slices.Clone(n.Phones)
	n.Data = slices.Clone(n.Data)
	return n
}

// Message is what a Transport delivers: a rendered notice and its idempotency key.
type Message struct {
	// IdempotencyKey is the notice's Key within its organization: the
	// organization's id (path-escaped, so no "/" of it is taken for the
	// separator), "/", and the Key, or the Key alone for a notice of no
	// organization (a password reset). A Key is unique in its organization only,
	// so two organizations' notices of one Key are two keys here. It is the same
	// on every attempt, so a receiver that saw it can drop the repeat (a
	// dispatcher that died after sending and before recording it sends again).
	IdempotencyKey string
	NoticeID       string
	Kind           Kind
	Language       Language
	To             []string
	CC             []string
	// Phones are a security incident's emergency phones, in the order they are
	// called (C-3); empty for every other kind. Mail transports leave them out
	// (the text names them); a webhook receiver (a paging system) can call them.
	Phones  []string
	Subject string
	Text    string
	HTML    string
	Data    json.RawMessage
}

// Transport delivers messages: SMTP, Amazon SES, webhooks, a log. Send returns nil
// once the receiving side has accepted the message. An error wrapping ErrPermanent
// means retrying cannot help; any other error is retried with backoff.
type Transport interface {
	Send(ctx context.Context, m Message) error
}

// message returns the Message of n.
func (n Notice) message() Message {
	key := n.Key
	if n.OrgID != "" {
		key = url.PathEscape(n.OrgID) + "/" + n.Key
	}
	return Message{IdempotencyKey: key, NoticeID: n.ID, Kind: n.Kind, Language: n.Language, To: slices.Clone(n.To),
		CC: slices.Clone(n.CC), Phones: slices.Clone(n.Phones), Subject: n.Subject, Text: n.Text, HTML: n.HTML, Data: slices.Clone(n.Data)}
}
