package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"time"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// Contacts endpoints (C-1 … C-4, C-7, M-10): an account's recipients, language and
// emergency phones, their bulk edit, the test mail, and the organization's
// notices with their delivery state. Each calls one contacts.Service method;
// members decides who may.

type listJSON struct {
	To []string `json:"to"`
	CC []string `json:"cc"`
}

type recipientsJSON struct {
	Billing   listJSON `json:"billing"`
	Technical listJSON `json:"technical"`
	Security  listJSON `json:"security"`
}

type contactsJSON struct {
	AccountID  string         `json:"account_id"`
	Recipients recipientsJSON `json:"recipients"`
	Language   string         `json:"language"`
	Phones     []string       `json:"phones"`
	UpdatedAt  *time.Time     `json:"updated_at,omitempty"`
	Version    int64          `json:"version"` // 0: never saved
}

func toList(l contacts.List) listJSON { return listJSON{To: nonNil(l.To), CC: nonNil(l.CC)} }

func (l listJSON) list() contacts.List { return contacts.List{To: l.To, CC: l.CC} }

func (r recipientsJSON) recipients() contacts.Recipients {
	return contacts.Recipients{Billing: r.Billing.list(), Technical: r.Technical.list(), Security: r.Security.list()}
}

func toContacts(c contacts.AccountContacts) contactsJSON {
	return contactsJSON{AccountID: c.AccountID, Recipients: recipientsJSON{Billing: toList(c.Recipients.Billing),
		Technical: toList(c.Recipients.Technical), Security: toList(c.Recipients.Security)},
		Language: string(c.Language), Phones: nonNil(c.Phones), UpdatedAt: optionalTime(c.UpdatedAt), Version: c.Version}
}

// getContacts is GET /v1/orgs/{org}/accounts/{account}/contacts (account.view).
func (s *server) getContacts(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, toContacts)(s.notices.GetAccountContacts(r.Context(), p, r.PathValue("org"), r.PathValue("account")))
}

type contactsInput struct {
	Recipients recipientsJSON `json:"recipients"`
	Language   string         `json:"language"`
	Phones     []string       `json:"phones"`
	Version    int64          `json:"version"`
}

// putContacts is PUT /v1/orgs/{org}/accounts/{account}/contacts (contacts.edit):
// the whole set, with the version read (0 for contacts never saved).
func (s *server) putContacts(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in contactsInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	return writeResult(w, toContacts)(s.notices.UpdateAccountContacts(r.Context(), p, r.PathValue("org"), r.PathValue("account"),
		contacts.Update{Recipients: in.Recipients.recipients(), Language: contacts.Language(in.Language), Phones: in.Phones, Version: in.Version}))
}

type bulkContactsInput struct {
	AccountIDs []string        `json:"account_ids"`
	Recipients *recipientsJSON `json:"recipients"`
	Language   *string         `json:"language"`
	Phones     []string        `json:"phones"`
}

// bulkEditContacts is POST /v1/orgs/{org}/accounts/contacts/bulk-edit
// (contacts.edit on each account, M-10): the set fields overwrite every listed
// account's, all or nothing.
func (s *server) bulkEditContacts(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in bulkContactsInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var e contacts.BulkEdit
	if in.Recipients != nil {
		rec := in.Recipients.recipients()
		e.Recipients = &rec
	}
	if in.Language != nil {
		l := contacts.Language(*in.Language)
		e.Language = &l
	}
	e.Phones = in.Phones
	out, err := s.notices.BulkEditAccountContacts(r.Context(), p, r.PathValue("org"), in.AccountIDs, e)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageJSON[contactsJSON]{Items: convert(out, toContacts)})
}

type testMailInput struct {
	Category string   `json:"category"`
	To       []string `json:"to"`
	CC       []string `json:"cc"`
	Language string   `json:"language"`
}

// testMail is POST /v1/orgs/{org}/accounts/{account}/contacts/test-mail
// (contacts.edit, C-4): a test message to a proposed list, before it is saved.
func (s *server) testMail(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in testMailInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := s.notices.SendTestMail(r.Context(), p, r.PathValue("org"), r.PathValue("account"), contacts.Category(in.Category),
		contacts.List{To: in.To, CC: in.CC}, contacts.Language(in.Language))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, toNotice(n))
}

type noticeJSON struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	AccountID string     `json:"account_id,omitempty"`
	Language  string     `json:"language"`
	To        []string   `json:"to"`
	CC        []string   `json:"cc"`
	Subject   string     `json:"subject"`
	State     string     `json:"state"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
	NextAt    *time.Time `json:"next_attempt_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
}

// toNotice shows a notice's delivery, not its body (which may hold a single-use
// link).
func toNotice(n contacts.Notice) noticeJSON {
	out := noticeJSON{ID: n.ID, Kind: string(n.Kind), AccountID: n.AccountID, Language: string(n.Language), To: nonNil(n.To),
		CC: nonNil(n.CC), Subject: n.Subject, State: string(n.State), Attempts: n.Attempts, LastError: n.LastError,
		CreatedAt: n.CreatedAt, SentAt: optionalTime(n.SentAt)}
	if n.State == contacts.NoticeQueued {
		out.NextAt = optionalTime(n.NextAt)
	}
	return out
}

// listNotices is GET /v1/orgs/{org}/notices?state=queued|sent|dead (power users,
// C-7): newest first (created time, then id, both descending), one page read
// from the store by keyset.
func (s *server) listNotices(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return s.noticesOf(w, r, p, r.PathValue("org"))
}

// noticesOf answers a page of orgID's notices ("" for those of no organization),
// newest first. Its page tokens are ListNoticesNewestFirst's: a token of the
// former id order is refused as invalid (400, field page_token).
func (s *server) noticesOf(w http.ResponseWriter, r *http.Request, p members.Principal, orgID string) error {
	page, err := parsePage(r.URL.Query())
	if err != nil {
		return err
	}
	list, next, err := s.notices.ListNoticesNewestFirst(r.Context(), p, orgID, contacts.NoticeState(r.URL.Query().Get("state")), page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageJSON[noticeJSON]{Items: convert(list, toNotice), NextPageToken: next})
}

// getNotice is GET /v1/orgs/{org}/notices/{notice} (power users).
func (s *server) getNotice(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, toNotice)(s.notices.GetNotice(r.Context(), p, r.PathValue("org"), r.PathValue("notice")))
}

// requeueNotice is POST /v1/orgs/{org}/notices/{notice}/requeue (power users): a
// dead notice is due again (C-7), once what made it fail is fixed.
func (s *server) requeueNotice(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, toNotice)(s.notices.RequeueNotice(r.Context(), p, r.PathValue("org"), r.PathValue("notice")))
}

// listSystemNotices is GET /v1/notices?state=… (reseller operators): the notices
// of no organization (password resets, signup links), with their delivery state.
func (s *server) listSystemNotices(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return s.noticesOf(w, r, p, "")
}

// requeueSystemNotice is POST /v1/notices/{notice}/requeue (reseller operators).
func (s *server) requeueSystemNotice(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, toNotice)(s.notices.RequeueNotice(r.Context(), p, "", r.PathValue("notice")))
}

// ---- the mail identity and members cause ----

// noticeMailer is identity's Mailer: its mails (password reset, signup) become
// contacts notices, delivered like every other. The notice's text carries the
// link with the token until it is sent; the outbox is as sensitive as the mail.
type noticeMailer struct {
	notices *contacts.Service
	origin  string // the portal's public origin, for links
}

func (m noticeMailer) SendMail(ctx context.Context, mail identity.Mail) error {
	sum := sha256.Sum256([]byte(mail.Token))
	key := string(mail.Kind) + ":" + hex.EncodeToString(sum[:16]) // one notice per token, never the token itself
	n := contacts.NewNotice{Key: key, Language: contacts.Japanese, To: []string{mail.To}}
	link := func(path string) string { return m.origin + path + "#token=" + url.QueryEscape(mail.Token) }
	switch mail.Kind {
	case identity.MailPasswordReset:
		n.Kind, n.Data = contacts.KindPasswordReset, contacts.PasswordResetData{Name: mail.Name, URL: link("/reset-password"), ExpiresAt: mail.ExpiresAt}
	case identity.MailSignup:
		n.Kind, n.Data = contacts.KindSignup, contacts.SignupData{URL: link("/signup"), ExpiresAt: mail.ExpiresAt}
	default:
		return errUnknownMail(mail.Kind)
	}
	_, err := m.notices.Notify(ctx, n)
	return err
}

type errUnknownMail identity.MailKind

func (e errUnknownMail) Error() string { return "portal: no notice for identity mail " + string(e) }

// invite is POST /v1/orgs/{org}/invitations: the invitation and its mail to the
// invitee are written in one transaction (C-7, inviteWithMail).
func (s *server) invite(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in inviteInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	out, err := s.inviteWithMail(r.Context(), p, r.PathValue("org"), members.NewInvitation{
		Email: in.Email, Type: members.MemberType(in.Type), Permissions: permissions(in.Permissions)})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toInvitation(out))
}

// inviteWithMail invites in to orgID and writes the invitee's mail in the same
// transaction (C-7): a failed invitation sends nothing, and an invitation always
// has its mail. The API and the web UI both invite through it.
func (s *server) inviteWithMail(ctx context.Context, p members.Principal, orgID string, in members.NewInvitation) (members.Invitation, error) {
	var out members.Invitation
	err := s.inTx(ctx, func(ctx context.Context) error {
		inv, err := s.svc.Invite(ctx, p, orgID, in)
		if err != nil {
			return err
		}
		out = inv
		if s.notices == nil {
			return nil
		}
		org, err := s.svc.GetOrganization(ctx, p, inv.OrgID) // Invite authorized p already
		if err != nil {
			return err
		}
		_, err = s.notices.Notify(ctx, contacts.NewNotice{Key: "invitation:" + inv.ID, Kind: contacts.KindInvitation, OrgID: inv.OrgID,
			Language: contacts.Japanese, To: []string{inv.Email}, Data: contacts.InvitationData{OrgName: org.DisplayName(),
				InviterName: p.Email, URL: s.origin + "/join?org=" + url.QueryEscape(inv.OrgID) + "&invitation=" + url.QueryEscape(inv.ID),
				ExpiresAt: inv.ExpiresAt}})
		return err
	})
	if err != nil {
		return members.Invitation{}, err
	}
	return out, nil
}
