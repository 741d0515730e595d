package reports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/seeda33a2f4f/resellerkit"
)

// s3API is the part of the S3 client S3 calls: ListObjectsV2 (through its
// paginator) and GetObject.
type s3API interface {
	s3.ListObjectsV2APIClient
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// S3 is a Source over the Amazon S3 bucket the reports are delivered to. It lists
// folders with ListObjectsV2 (delimiter "/", every page), reads manifests with
// GetObject, and streams data files from GetObject bodies: nothing is copied to
// disk. Files are named s3://bucket/key; GeneratedAt is the manifest object's
// LastModified. The caller needs s3:ListBucket on the bucket and s3:GetObject on
// the prefix.
type S3 struct {
	api    s3API
	bucket string
	cfg    Config
}

// NewS3 returns the Source of bucket through client, read as cfg says.
func NewS3(client *s3.Client, bucket string, cfg Config) *S3 { return newS3(client, bucket, cfg) }

func newS3(api s3API, bucket string, cfg Config) *S3 { return &S3{api: api, bucket: bucket, cfg: cfg} }

// Versions implements Source.
func (s *S3) Versions(ctx context.Context, period resellerkit.Month) ([]Version, error) {
	if s.bucket == "" || strings.Contains(s.bucket, "/") {
		return nil, resellerkit.Invalid(ErrConfig, "bucket", s.bucket, "B-14", "must be an S3 bucket name")
	}
	return versions(ctx, s3Store{api: s.api, b: s.bucket}, s.cfg, period)
}

// s3Store is a bucket as a store.
type s3Store struct {
	api s3API
	b   string
}

func (s s3Store) list(ctx context.Context, dir string) ([]object, []string, error) {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.b), Delimiter: aws.String("/")}
	if dir != "" {
		in.Prefix = aws.String(dir)
	}
	var (
		objs []object
		dirs []string
	)
	p := s3.NewListObjectsV2Paginator(s.api, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, s.err(dir, "list", err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			if key == dir || strings.HasSuffix(key, "/") { // a folder marker
				continue
			}
			objs = append(objs, object{key: key, size: aws.ToInt64(o.Size), mod: aws.ToTime(o.LastModified).UTC()})
		}
		for _, cp := range page.CommonPrefixes {
			if name := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), dir), "/"); name != "" {
				dirs = append(dirs, name)
			}
		}
	}
	slices.Sort(dirs)
	return objs, dirs, nil
}

func (s s3Store) open(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := s.api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.b), Key: aws.String(key)})
	if err != nil {
		return nil, s.err(key, "get", err)
	}
	return out.Body, nil
}

// err wraps an S3 error naming the key; a missing key or bucket wraps ErrNotFound.
func (s s3Store) err(key, op string, err error) error {
	var (
		nk *types.NoSuchKey
		nb *types.NoSuchBucket
		nf *types.NotFound
	)
	if errors.As(err, &nk) || errors.As(err, &nb) || errors.As(err, &nf) {
		return fmt.Errorf("%w: %s: %s: %w", ErrNotFound, s.name(key), op, err)
	}
	return fmt.Errorf("reports: %s: %s: %w", s.name(key), op, err)
}

func (s s3Store) name(key string) string  { return "s3://" + s.b + "/" + key }
func (s s3Store) localPath(string) string { return "" }
func (s s3Store) bucket() string          { return s.b }

// s3BlockSize is how much one ranged GetObject reads: Parquet readers make many
// small reads (page headers, footers), which a block cache turns into a few
// requests.
const s3BlockSize = 8 << 20

// s3Blocks is how many blocks an s3ReaderAt keeps (at most s3Blocks ×
// s3BlockSize bytes of memory per file being read).
const s3Blocks = 4

// readerAt returns random access to key through ranged GetObject requests, with
// a small block cache; every request names the object's ETag as read first
// (IfMatch), so a file rewritten while it is read fails instead of mixing two
// versions.
func (s s3Store) readerAt(ctx context.Context, key string, size int64) io.ReaderAt {
	return &s3ReaderAt{ctx: ctx, s: s, key: key, size: size}
}

// s3ReaderAt is an S3 object as an io.ReaderAt, safe for concurrent use.
type s3ReaderAt struct {
	ctx  context.Context
	s    s3Store
	key  string
	size int64

	mu     sync.Mutex
	etag   *string
	blocks []s3Block // most recently used last
}

type s3Block struct {
	off  int64
	data []byte
}

// ReadAt implements io.ReaderAt.
func (r *s3ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("reports: %s: negative offset", r.s.name(r.key))
	}
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		if pos >= r.size {
			return n, io.EOF
		}
		b, err := r.block(pos / s3BlockSize * s3BlockSize)
		if err != nil {
			return n, err
		}
		n += copy(p[n:], b.data[pos-b.off:])
	}
	return n, nil
}

// block returns the block at off, from the cache or S3.
func (r *s3ReaderAt) block(off int64) (s3Block, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, b := range r.blocks {
		if b.off == off {
			r.blocks = append(append(r.blocks[:i:i], r.blocks[i+1:]...), b)
			return b, nil
		}
	}
	end := min(off+s3BlockSize, r.size) - 1
	out, err := r.s.api.GetObject(r.ctx, &s3.GetObjectInput{Bucket: aws.String(r.s.b), Key: aws.String(r.key),
		Range: aws.String(fmt.Sprintf("bytes=%d-%d", off, end)), IfMatch: r.etag})
	if err != nil {
		return s3Block{}, r.s.err(r.key, "get range", err)
	}
	defer out.Body.Close()
	data := make([]byte, end-off+1)
	if _, err := io.ReadFull(out.Body, data); err != nil {
		return s3Block{}, r.s.err(r.key, "get range", err)
	}
	if r.etag == nil && out.ETag != nil {
		r.etag = out.ETag
	}
	b := s3Block{off: off, data: data}
	if len(r.blocks) == s3Blocks {
		r.blocks = r.blocks[1:]
	}
	r.blocks = append(r.blocks, b)
	return b, nil
}
