package costfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"golang.org/x/sync/errgroup"

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

// bufPool bounds memory: at most n buffers exist; get blocks until one is returned
// or done is closed (the scan stopped).
type bufPool struct {
	free chan *[]byte
	made int
	n    int
	size int
	done <-chan struct{}
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
	need []slotCol // the schema's columns this worker reads (rowFiller.reads)
}

func newCSVWorker(name string, s *schema, sink billing.Sink) *csvWorker {
	w := &csvWorker{name: name, s: s, sink: sink}
	w.f.s = s
	w.f.use(sink)
	cols := make([]int, 0, len(s.need))
	for _, nc := range s.need {
		if w.f.reads(nc.slot) {
			w.need = append(w.need, nc)
			cols = append(cols, nc.col)
		}
	}
	w.sp.want(s.ncols, cols) // the splitter records only these
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
		esc := len(w.sp.esc) > 0 // doubled quotes to undo: field; else the offsets
		for _, nc := range w.need {
			var v []byte
			if esc {
				v = w.sp.field(rec, nc.col)
			} else {
				v = rec[w.sp.b[2*nc.col]:w.sp.b[2*nc.col+1]]
			}
			if len(v) == 4 && string(v) == "NULL" {
				v = nil
			}
			w.vals[nc.slot] = v
		}
		w.f.line = line
		skip, bad, err := w.f.fill(&w.li, &w.vals)
		if err != nil {
			return &Error{File: w.name, Line: line, Column: s.colName(s.col[bad]), Err: err}
		}
		if !skip {
			if err := w.sink.Add(&w.li); err != nil {
				return s.sinkError(w.name, line, err)
			}
			w.f.rows++
		}
		w.f.sketchRow(&w.vals, rec) // B-14
		line += 1 + int64(nl)
		data = data[n:]
	}
	return nil
}

// loop parses the blocks it takes from blocks until the channel closes or it fails.
// A block after one that already failed is skipped: only an earlier block may hold
// an earlier error. ctx is the caller's: its end fails the block at hand.
func (w *csvWorker) loop(ctx context.Context, done <-chan struct{}, blocks <-chan block, pool *bufPool, first *firstError) error {
	for b := range blocks {
		if testHookDequeued != nil {
			testHookDequeued(b.seq, done)
		}
		var err error
		if !first.before(b.seq) {
			if err = ctx.Err(); err != nil {
				err = &Error{File: w.name, Line: b.line, Err: err}
			} else {
				err = w.run(b.data, b.line)
			}
		}
		pool.put(b.buf)
		if err != nil {
			first.set(b.seq, err)
			return err
		}
	}
	return nil
}

// scanCSV runs the pipeline: one goroutine reads blocks and cuts them at record
// boundaries; opt.Workers goroutines split and convert the records. The first
// failure stops them all (errgroup), and the error reported is the first in file
// order (firstError).
func scanCSV(ctx context.Context, name string, r io.Reader, newSink func() billing.Sink, opt Options, st billing.InputStats) (billing.InputStats, error) {
	g, gctx := errgroup.WithContext(ctx)
	pool := &bufPool{free: make(chan *[]byte, opt.Workers+2), n: opt.Workers + 2, size: opt.BlockSize, done: gctx.Done()}
	blocks := make(chan block, opt.Workers)
	first := newFirstError()
	var workers []*csvWorker
	start := func(s *schema) error {
		st.Format = s.format
		st.Warnings = append(st.Warnings, s.warnings...)
		sinks, err := newSinks(newSink, opt.Workers)
		if err != nil {
			return &Error{File: name, Err: err}
		}
		if w := s.currencyWarning(sinks[0]); w != "" {
			st.Warnings = append(st.Warnings, w)
		}
		for _, sink := range sinks {
			w := newCSVWorker(name, s, sink)
			workers = append(workers, w)
			g.Go(func() error { return w.loop(ctx, gctx.Done(), blocks, pool, first) })
		}
		return nil
	}
	g.Go(func() error {
		defer close(blocks)
		var sent int64
		err := produce(ctx, name, r, opt, pool, &st, gctx.Done(), start, func(b block) bool {
			select {
			case blocks <- b:
				sent++
				return true
			case <-gctx.Done():
				pool.put(b.buf)
				return false
			}
		})
		if err != nil {
			first.set(sent, err) // after every block sent: an earlier bad row wins
		}
		return err
	})
	werr := g.Wait()
	fillers := make([]*rowFiller, len(workers))
	for i, w := range workers {
		fillers[i] = &w.f
	}
	return finish(st, fillers, first, werr)
}

// produce reads r into pooled blocks cut at record boundaries. The first record is
// the header: start is called with its schema before any block is sent.
// It stops quietly when done is closed (a worker failed) or send refuses a block; the
// end of ctx, the caller's, is an error naming the line reached.
func produce(ctx context.Context, name string, r io.Reader, opt Options, pool *bufPool, st *billing.InputStats,
	done <-chan struct{}, start func(*schema) error, send func(block) bool) error {
	line := int64(1)
	// halt is the result of a stop: the end of ctx is an error at the line reached;
	// otherwise a worker failed and its error is the one reported.
	halt := func() error {
		if err := ctx.Err(); err != nil {
			return &Error{File: name, Line: line, Err: err}
		}
		return nil
	}
	buf, err := pool.get()
	if err != nil {
		return halt()
	}
	carry := 0
	var seq int64
	first := true
	for {
		select {
		case <-done:
			return halt()
		default:
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
			if err := start(s); err != nil {
				pool.put(buf)
				return err
			}
		}
		if broken {
			if cut > off {
				b := block{buf: buf, data: data[off:cut], line: line, seq: seq}
				line += int64(bytes.Count(b.data, newline))
				if !send(b) {
					return halt()
				}
			} else {
				pool.put(buf)
			}
			return &Error{File: name, Line: line, Err: rerr}
		}
		var next *[]byte
		if !eof {
			if next, err = pool.get(); err != nil {
				return halt()
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
			if !send(b) {
				return halt()
			}
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
