package reports

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
)

// Config says which reports a source reads and how.
type Config struct {
	// Prefix is the key prefix the report folders are in: the S3 prefix of the
	// legacy report definition or of the data export ("" for the bucket's or the
	// directory's root). Every folder directly under it is a report (or export),
	// unless Report names one. In S3, "" also reads the reports under "/": a
	// legacy report defined without a prefix is delivered as /<report>/….
	Prefix string
	// Report is the name of the one report or export to read; "" reads every
	// report under Prefix.
	Report string
	// Payer is the payer account's 12-digit id, for manifests that do not name it
	// (CUR 2.0). A legacy manifest's account must equal it when both are set.
	Payer string
	// Progress, when set, is told how far the files of the versions found are
	// read (see ProgressFunc).
	Progress ProgressFunc
}

// validate checks c and returns its prefix, "" or ending in "/".
func (c Config) validate() (string, error) {
	prefix := strings.Trim(c.Prefix, "/")
	if prefix != "" {
		if reason := badKey(prefix); reason != "" {
			return "", resellerkit.Invalid(ErrConfig, "prefix", c.Prefix, "B-14", reason)
		}
		prefix += "/"
	}
	if c.Report != "" && (strings.Contains(c.Report, "/") || badKey(c.Report) != "") {
		return "", resellerkit.Invalid(ErrConfig, "report", c.Report, "B-14", "must be a report or export name, without \"/\"")
	}
	if c.Payer != "" && !accountID(c.Payer) {
		return "", resellerkit.Invalid(ErrConfig, "payer", c.Payer, "B-14", "must be a 12-digit AWS account id")
	}
	return prefix, nil
}

// object is one object (file) of a store.
type object struct {
	key  string
	size int64
	mod  time.Time
}

// store is what the sources share: a bucket or a directory laid out like one.
type store interface {
	// list returns the objects directly in folder dir ("" or a prefix ending in
	// "/") and the names of its subfolders. A folder that does not exist is empty.
	list(ctx context.Context, dir string) ([]object, []string, error)
	// open opens key as a stream; a missing key wraps ErrNotFound.
	open(ctx context.Context, key string) (io.ReadCloser, error)
	// name is how errors and stats name key: s3://bucket/key or a path.
	name(key string) string
	// localPath is key's path for a local store, else "".
	localPath(key string) string
	// readerAt gives random access to key of size bytes (ranged reads of a remote
	// object); nil for a local store, whose files have a path.
	readerAt(ctx context.Context, key string, size int64) io.ReaderAt
	// bucket is the bucket a CUR 2.0 manifest's data files must be in; "" for a
	// directory, which holds one bucket's keys whatever its name.
	bucket() string
}

// versions finds period's versions in st (see Source.Versions).
func versions(ctx context.Context, st store, cfg Config, period resellerkit.Month) ([]Version, error) {
	prefix, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	if period.IsZero() {
		return nil, resellerkit.Invalid(ErrConfig, "period", "", "B-14", "required: the billing month")
	}
	roots := []string{prefix}
	if prefix == "" && st.bucket() != "" {
		// A legacy report defined without an S3 prefix is delivered under
		// "/<report>/…": AWS joins the empty prefix and the name with a slash.
		roots = append(roots, "/")
	}
	var out []Version
	for _, root := range roots {
		names := []string{cfg.Report}
		if cfg.Report == "" {
			_, dirs, err := st.list(ctx, root)
			if err != nil {
				return nil, err
			}
			names = dirs
		}
		for _, name := range names {
			base := root + name + "/"
			_, dirs, err := st.list(ctx, base)
			if err != nil {
				return nil, err
			}
			for _, d := range dirs {
				if legacyFolder(d, period) {
					v, err := legacyVersion(ctx, st, cfg, name, base+d+"/", period)
					if err != nil {
						return nil, err
					}
					out = append(out, v)
				}
			}
			if slices.Contains(dirs, "metadata") {
				v, ok, err := cur2Version(ctx, st, cfg, name, base, period)
				if err != nil {
					return nil, err
				}
				if ok {
					out = append(out, v)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Version) int {
		return cmp.Or(strings.Compare(a.Payer, b.Payer), strings.Compare(a.Manifest, b.Manifest))
	})
	for i := 1; i < len(out); i++ {
		if out[i].Payer == out[i-1].Payer {
			return nil, fmt.Errorf("%w: payer %s, %s: %s (%s) and %s (%s): set Config.Report or narrow Config.Prefix to read one",
				ErrAmbiguous, out[i].Payer, period, out[i-1].Manifest, out[i-1].Format, out[i].Manifest, out[i].Format)
		}
	}
	return out, nil
}

// legacyFolder reports whether d is the legacy CUR folder of period:
// yyyymmdd-yyyymmdd from the month's first day to the next month's first day (as
// AWS names them) or to the month's last day.
func legacyFolder(d string, period resellerkit.Month) bool {
	start, end, ok := strings.Cut(d, "-")
	return ok && start == period.Start().Format("20060102") &&
		(end == period.End().Format("20060102") || end == period.End().AddDate(0, 0, -1).Format("20060102"))
}

// legacyVersion reads the legacy CUR manifest of report's period folder dir: the
// folder holds the current manifest, <report>-Manifest.json, and one folder per
// assembly (older ones stay); only the manifest's assembly is returned.
func legacyVersion(ctx context.Context, st store, cfg Config, report, dir string, period resellerkit.Month) (Version, error) {
	key := dir + report + "-Manifest.json"
	mobj, data, err := readManifest(ctx, st, dir, key)
	if err != nil {
		return Version{}, err
	}
	mname := st.name(key)
	m, err := parseLegacy(data)
	if err != nil {
		return Version{}, fmt.Errorf("%s: %w", mname, err)
	}
	bad := func(field, value, reason string) (Version, error) {
		return Version{}, fmt.Errorf("%s: %w", mname, invalid(field, value, reason))
	}
	if m.Period != period {
		return bad("billingPeriod.start", m.Period.String(), "is not the month of the folder, "+period.String())
	}
	if m.ReportName != "" && m.ReportName != report {
		return bad("reportName", m.ReportName, "is not the report's folder, "+report)
	}
	payer := m.Account
	switch {
	case payer == "" && cfg.Payer == "":
		return bad("account", "", "required: the manifest names no payer and Config.Payer is empty")
	case payer == "":
		payer = cfg.Payer
	case cfg.Payer != "" && payer != cfg.Payer:
		return bad("account", payer, "is not the configured payer "+cfg.Payer)
	}
	for i, k := range m.ReportKeys {
		rest, ok := strings.CutPrefix(k, dir)
		if ok {
			rest = strings.TrimPrefix(rest, m.AssemblyID+"/")
		}
		if !ok || strings.Contains(rest, "/") {
			return bad(fmt.Sprintf("reportKeys[%d]", i), k, "is not in the period folder "+dir+" or its assembly folder "+m.AssemblyID+"/")
		}
	}
	files, err := statFiles(ctx, st, mname, m.ReportKeys)
	if err != nil {
		return Version{}, err
	}
	return Version{
		Report:   billing.Report{Payer: payer, Period: period, Version: m.AssemblyID, GeneratedAt: mobj.mod},
		Format:   FormatLegacy,
		Files:    files,
		Manifest: mname,
		progress: cfg.Progress,
	}, nil
}

// cur2Version reads the Data Exports manifest of export in base (the export's
// folder), metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json; ok is false
// when the export has no partition for period.
func cur2Version(ctx context.Context, st store, cfg Config, export, base string, period resellerkit.Month) (Version, bool, error) {
	dir := base + "metadata/BILLING_PERIOD=" + period.String() + "/"
	objs, _, err := st.list(ctx, dir)
	if err != nil || len(objs) == 0 {
		return Version{}, false, err
	}
	key := dir + export + "-Manifest.json"
	mobj, data, err := readManifest(ctx, st, dir, key)
	if err != nil {
		return Version{}, false, err
	}
	mname := st.name(key)
	m, err := parseCUR2(data)
	if err != nil {
		return Version{}, false, fmt.Errorf("%s: %w", mname, err)
	}
	bad := func(field, value, reason string) (Version, bool, error) {
		return Version{}, false, fmt.Errorf("%s: %w", mname, invalid(field, value, reason))
	}
	if !m.Period.IsZero() && m.Period != period {
		return bad("billingPeriod.start", m.Period.String(), "is not the month of the partition, "+period.String())
	}
	payer := cmp.Or(cfg.Payer, m.Account)
	if payer == "" {
		return bad("exportArn", "", "the manifest names no payer account: set Config.Payer")
	}
	data0 := base + "data/BILLING_PERIOD=" + period.String() + "/"
	keys := make([]string, len(m.DataFiles))
	for i, u := range m.DataFiles {
		field := fmt.Sprintf("dataFiles[%d]", i)
		uri := "s3://" + u.Bucket + "/" + u.Key
		if b := st.bucket(); b != "" && u.Bucket != b {
			return bad(field, uri, "is in another bucket than "+b)
		}
		if !strings.HasPrefix(u.Key, data0) {
			return bad(field, uri, "is not in the export's partition "+data0)
		}
		keys[i] = u.Key
	}
	files, err := statFiles(ctx, st, mname, keys)
	if err != nil {
		return Version{}, false, err
	}
	return Version{
		Report:   billing.Report{Payer: payer, Period: period, Version: m.ExecutionID, GeneratedAt: mobj.mod},
		Format:   FormatCUR2,
		Files:    files,
		Manifest: mname,
		progress: cfg.Progress,
	}, true, nil
}

// readManifest finds key in folder dir and reads it, at most MaxManifestSize bytes.
func readManifest(ctx context.Context, st store, dir, key string) (object, []byte, error) {
	objs, _, err := st.list(ctx, dir)
	if err != nil {
		return object{}, nil, err
	}
	i := slices.IndexFunc(objs, func(o object) bool { return o.key == key })
	if i < 0 {
		return object{}, nil, fmt.Errorf("%w: %s: no manifest %s in the report's folder (a delivery in progress?)", ErrNotFound, st.name(dir), path.Base(key))
	}
	rc, err := st.open(ctx, key)
	if err != nil {
		return object{}, nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxManifestSize+1))
	if err != nil {
		return object{}, nil, fmt.Errorf("reports: %s: %w", st.name(key), err)
	}
	if len(data) > MaxManifestSize {
		return object{}, nil, fmt.Errorf("%s: %w", st.name(key), invalid("(manifest)", "", fmt.Sprintf("larger than %d MiB", MaxManifestSize>>20)))
	}
	return objs[i], data, nil
}

// statFiles returns the Files of keys, with their sizes from listings of their
// folders (one listing per folder); a key not in the store wraps ErrNotFound.
func statFiles(ctx context.Context, st store, manifest string, keys []string) ([]File, error) {
	found := make(map[string]object)
	listed := make(map[string]bool)
	files := make([]File, len(keys))
	for i, k := range keys {
		dir := path.Dir(k) + "/"
		if !listed[dir] {
			objs, _, err := st.list(ctx, dir)
			if err != nil {
				return nil, err
			}
			for _, o := range objs {
				found[o.key] = o
			}
			listed[dir] = true
		}
		o, ok := found[k]
		if !ok {
			return nil, fmt.Errorf("%w: %s lists %s, which is not there (a delivery in progress?)", ErrNotFound, manifest, st.name(k))
		}
		files[i] = File{
			Name: st.name(k),
			Size: o.size,
			Open: func(ctx context.Context) (io.ReadCloser, error) { return st.open(ctx, k) },
			Path: st.localPath(k),
			ReaderAt: func(ctx context.Context) io.ReaderAt {
				return st.readerAt(ctx, k, o.size)
			},
		}
	}
	return files, nil
}
