package reports

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/seeda33a2f4f/resellerkit"
)

// Dir is a Source over a local directory laid out like the S3 bucket the reports
// are delivered to (e.g. a copy made with `aws s3 sync s3://bucket dir`): an
// object's key is its path relative to the directory, with "/" separators. A CUR
// 2.0 manifest's s3:// URIs are resolved by their key, whatever their bucket.
// GeneratedAt is the manifest file's modification time.
type Dir struct {
	root string
	cfg  Config
}

// NewDir returns the Source of the directory root, read as cfg says.
func NewDir(root string, cfg Config) *Dir { return &Dir{root: root, cfg: cfg} }

// Versions implements Source.
func (d *Dir) Versions(ctx context.Context, period resellerkit.Month) ([]Version, error) {
	return versions(ctx, dirStore{root: d.root}, d.cfg, period)
}

// dirStore is a directory as a store.
type dirStore struct{ root string }

func (s dirStore) path(key string) string {
	if key == "" {
		return s.root
	}
	return filepath.Join(s.root, filepath.FromSlash(key))
}

func (s dirStore) list(ctx context.Context, dir string) ([]object, []string, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	entries, err := os.ReadDir(s.path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var (
		objs []object
		dirs []string
	)
	for _, e := range entries {
		switch {
		case e.IsDir():
			dirs = append(dirs, e.Name())
		case e.Type().IsRegular():
			info, err := e.Info()
			if err != nil {
				return nil, nil, err
			}
			objs = append(objs, object{key: dir + e.Name(), size: info.Size(), mod: info.ModTime().UTC()})
		}
	}
	slices.Sort(dirs)
	return objs, dirs, nil
}

func (s dirStore) open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(key))
	if err != nil {
		return nil, localError(err)
	}
	return f, nil
}

func (s dirStore) name(key string) string                              { return s.path(key) }
func (s dirStore) localPath(key string) string                         { return s.path(key) }
func (s dirStore) bucket() string                                      { return "" }
func (s dirStore) readerAt(context.Context, string, int64) io.ReaderAt { return nil }
