package costfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// testHookDequeued, when set by a test, is called by a worker right after it takes
// a block, before it decides whether to parse it.
var testHookDequeued func(seq int64, done <-chan struct{})

// block is a run of whole CSV records handed to a worker.
type block struct {
	buf  *[]byte // pooled buffer holding data
	data []byte
	line int64 // physical line number of data[0]
	seq  int64 // position in the file, for choosing the first error
}

// bufPool bounds memory: at most n buffers exist; get blocks until one is returned.
type bufPool struct {
	free chan *[]byte
	made int
	n    int
	size int
	done <-chan struct{}
	ctx  context.Context
	mu   sync.Mutex
}

func (p *bufPool) get() (*[]byte, error) {
	p.mu.Lock()
	if p.made < p.n {
		p.made++
		p.mu.Unlock()
		b := make([]byte, p.size)
		return &b, nil
	}
	p.mu.Unlock()
	select {
	case b := <-p.free:
		return b, nil
	case <-p.done:
		return nil, errStopped
	case <-p.ctx.Done():
		return nil, p.ctx.Err()
	}
}

func (p *bufPool) put(b *[]byte) {
	select {
	case p.free <- b:
	default: // cannot happen: the channel holds every buffer ever made
	}
}

var errStopped = errors.New("stopped")

// csvWorker parses blocks and feeds its own Sink.
type csvWorker struct {
	name string
	s    *schema
	sink billing.Sink
	sp   splitter
	f    rowFiller
	li   billing.LineItem
	vals rowVals
	rows int64
}

func newCSVWorker(name string, s *schema, sink billing.Sink) *csvWorker {
	w := &csvWorker{name: name, s: s, sink: sink}
	w.sp.b = make([]int32, 0, 2*s.ncols+16)
	w.f.s = s
	return w
}

// run parses every record of one block.
func (w *csvWorker) run(data []byte, line int64) error {
	s := w.s
	for len(data) > 0 {
		if data[0] == '\n' { // blank line
			data = data[1:]
			line++
			continue
		}
		if data[0] == '\r' && len(data) > 1 && data[1] == '\n' {
			data = data[2:]
			line++
			continue
		}
		n, nl, err := w.sp.split(data)
		if err != nil {
			return &Error{File: w.name, Line: line, Column: s.colName(w.sp.nfields()), Err: err}
		}
		if nf := w.sp.nfields(); nf != s.ncols {
			return &Error{File: w.name, Line: line, Err: fmt.Errorf("%w: %d fields, the header has %d", ErrFieldCount, nf, s.ncols)}
		}
		rec := data[:n]
		for _, nc := range s.need {
			v := w.sp.field(rec, nc.col)
			if len(v) == 4 && string(v) == "NULL" {
				v = nil
			}
			w.vals[nc.slot] = v
		}
		skip, bad, err := w.f.fill(&w.li, &w.vals)
		if err != nil {
			return &Error{File: w.name, Line: line, Column: s.colName(s.col[bad]), Err: err}
		}
		if !skip {
			if err := w.sink.Add(&w.li); err != nil {
				return &Error{File: w.name, Line: line, Err: err}
			}
			w.rows++
		}
		line += 1 + int64(nl)
		data = data[n:]
	}
	return nil
}

// scanCSV runs the pipeline: this goroutine reads blocks and cuts them at record
// boundaries; opt.Workers goroutines split and convert the records.
func scanCSV(ctx context.Context, name string, r io.Reader, newSink func() billing.Sink, opt Options, st Stats) (Stats, error) {
	done := make(chan struct{})
	var doneOnce sync.Once
	stop := func() { doneOnce.Do(func() { close(done) }) }
	defer stop()
	pool := &bufPool{free: make(chan *[]byte, opt.Workers+2), n: opt.Workers + 2, size: opt.BlockSize, done: done, ctx: ctx}

	var (
		blocks  chan block
		wg      sync.WaitGroup
		mu      sync.Mutex
		firstE  error
		firstAt int64 = -1
		workers []*csvWorker
	)
	failedBefore := func(seq int64) bool {
		mu.Lock()
		defer mu.Unlock()
		return firstAt >= 0 && firstAt < seq
	}
	fail := func(seq int64, err error) {
		mu.Lock()
		if firstAt < 0 || seq < firstAt {
			firstAt, firstE = seq, err
		}
		mu.Unlock()
		stop()
	}
	start := func(s *schema) {
		st.Format = s.format
		st.Warnings = append(st.Warnings, s.warnings...)
		blocks = make(chan block, opt.Workers)
		for range opt.Workers {
			w := newCSVWorker(name, s, newSink())
			workers = append(workers, w)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := range blocks {
					if testHookDequeued != nil {
						testHookDequeued(b.seq, done)
					}
					// Only blocks after the first failing one are skipped: an
					// earlier block may hold an earlier error, and the error
					// reported must be the first in file order.
					if !failedBefore(b.seq) {
						if err := ctx.Err(); err != nil {
							fail(b.seq, &Error{File: name, Line: b.line, Err: err})
						} else if err := w.run(b.data, b.line); err != nil {
							fail(b.seq, err)
						}
					}
					pool.put(b.buf)
				}
			}()
		}
	}

	perr := produce(ctx, name, r, opt, pool, &st, done, start, func(b block) {
		blocks <- b
	})
	if blocks != nil {
		close(blocks)
		wg.Wait()
	}
	for _, w := range workers {
		st.Rows += w.rows
		st.addSkipped(w.f.skipped)
	}
	if firstE != nil {
		return st, firstE
	}
	if perr != nil {
		return st, perr
	}
	return st, nil
}

// produce reads r into pooled blocks cut at record boundaries. The first record is
// the header: start is called with its schema before any block is sent.
func produce(ctx context.Context, name string, r io.Reader, opt Options, pool *bufPool, st *Stats,
	done <-chan struct{}, start func(*schema), send func(block)) error {
	buf, err := pool.get()
	if err != nil {
		return err
	}
	carry := 0
	line := int64(1)
	var seq int64
	first := true
	for {
		select {
		case <-done:
			return nil
		default:
		}
		if err := ctx.Err(); err != nil {
			return &Error{File: name, Line: line, Err: err}
		}
		n, rerr := io.ReadFull(r, (*buf)[carry:])
		st.Bytes += int64(n)
		total := carry + n
		eof := rerr == io.EOF || rerr == io.ErrUnexpectedEOF
		// broken: a read error (e.g. a corrupt or truncated gzip stream). The
		// complete records read before it are still parsed, so an earlier bad row
		// wins and the error names the line after the last complete record.
		broken := rerr != nil && !eof
		data := (*buf)[:total]
		off := 0
		if first && bytes.HasPrefix(data, utf8BOM) {
			off = len(utf8BOM)
		}
		cut := total
		if broken {
			if cut = findCut(data); cut < off {
				cut = off
			}
		} else if !eof {
			if cut = findCut(data); cut < 0 {
				if total >= opt.MaxRecordSize {
					return &Error{File: name, Line: line, Err: fmt.Errorf("%w: no end of record within %d bytes", ErrRecordTooLong, opt.MaxRecordSize)}
				}
				nb := make([]byte, min(2*len(*buf), opt.MaxRecordSize+1))
				copy(nb, data)
				*buf = nb
				carry = total
				continue
			}
		}
		if first {
			if broken && cut <= off {
				return &Error{File: name, Line: line, Err: rerr}
			}
			first = false
			if cut <= off || len(bytes.TrimSpace(data[off:cut])) == 0 {
				return &Error{File: name, Line: 1, Err: fmt.Errorf("%w: empty input, no header", ErrUnknownFormat)}
			}
			s, hn, err := parseHeader(data[off:cut])
			if err != nil {
				var e *Error
				if errors.As(err, &e) {
					e.File, e.Line = name, 1
					return e
				}
				return &Error{File: name, Line: 1, Err: err}
			}
			line += int64(bytes.Count(data[off:off+hn], newline))
			off += hn
			start(s)
		}
		if broken {
			if cut > off {
				b := block{buf: buf, data: data[off:cut], line: line, seq: seq}
				line += int64(bytes.Count(b.data, newline))
				send(b)
			} else {
				pool.put(buf)
			}
			return &Error{File: name, Line: line, Err: rerr}
		}
		var next *[]byte
		if !eof {
			if next, err = pool.get(); err != nil {
				if err == errStopped {
					return nil
				}
				return &Error{File: name, Line: line, Err: err}
			}
			if len(*next) < total-cut {
				*next = make([]byte, len(*buf))
			}
			carry = copy(*next, data[cut:])
		}
		if cut > off {
			b := block{buf: buf, data: data[off:cut], line: line, seq: seq}
			seq++
			line += int64(bytes.Count(b.data, newline))
			send(b)
		} else {
			pool.put(buf)
		}
		if eof {
			return nil
		}
		buf = next
	}
}

// parseHeader splits the header record and detects the format. It returns the
// header's length in bytes.
func parseHeader(data []byte) (*schema, int, error) {
	var sp splitter
	n, _, err := sp.split(data)
	if err != nil {
		return nil, 0, err
	}
	rec := data[:n]
	header := make([]string, sp.nfields())
	for i := range header {
		header[i] = string(sp.field(rec, i))
	}
	s, err := newSchema(header)
	if err != nil {
		return nil, 0, err
	}
	return s, n, nil
}
