// Package reports finds the versions of AWS cost reports a payer account delivers
// to S3 — legacy Cost and Usage Reports (CUR) and Data Exports CUR 2.0 — and
// streams their files into the billing engine, for the monthly ingestion of the
// billing lifecycle (B-1, B-14).
//
// # Model
//
// A Source answers one question: Versions(ctx, month), the current version of each
// report for the month. A Version is a billing.Report (payer, month, version id,
// GeneratedAt: what billing.Store.PutCostData orders versions by) with its format,
// its manifest and its data files; Version.Inputs makes one billing.Input per file,
// which streams the file through costfile.Scan (gzip detected) with no temporary
// copy, named by its key or path in errors and stats. Two sources:
//
//   - NewDir: a local directory laid out like the bucket (keys are relative paths),
//     e.g. a copy made with `aws s3 sync`; a local Parquet or ZIP file is read with
//     costfile.ScanFile, which needs random access.
//   - NewS3: Amazon S3 through aws-sdk-go-v2's s3.Client (ListObjectsV2 with its
//     paginator, GetObject), behind an unexported interface of those two calls;
//     CSV and gzip data files are streamed from the GetObject body. A Parquet or
//     ZIP object (CUR 2.0's default is Parquet) needs random access: it is read
//     with costfile.ScanReaderAt through ranged GetObject requests of 8 MiB
//     blocks (a few kept in memory per file, each request bound to the ETag of
//     the first by IfMatch, so a file rewritten meanwhile fails rather than mix
//     two versions), never copied to disk.
//
// Config.Progress is told, for each file, the bytes read from the source (the
// compressed bytes of a gzip file) against its size, for a job's progress line.
//
// # Layouts (as AWS documents them)
//
// Legacy CUR — AWS CUR user guide, "Understanding your report versions"
// (docs.aws.amazon.com/cur/latest/userguide/understanding-report-versions.html):
// files are <report-prefix>/<report-name>/yyyymmdd-yyyymmdd/<assemblyId>/
// <report-name>-<file-number>.csv.<zip|gz>, "an ID that AWS creates each time that
// the report is updated"; "AWS delivers a new report and a new manifest file each
// time AWS updates the report". The current manifest is
// <report-prefix>/<report-name>/yyyymmdd-yyyymmdd/<report-name>-Manifest.json (the
// path project-koku's AWS report downloader reads, koku/masu/external/downloader/
// aws/aws_report_downloader.py); older assembly folders, each with its own copy of
// its manifest, stay in the period folder and are never read. The manifest's
// fields used: assemblyId (Version), account (the payer), reportName,
// billingPeriod.start and .end (koku parses them as "%Y%m%dT000000.000Z", e.g.
// 20231101T000000.000Z; RFC 3339 and dates are accepted too) and reportKeys (full
// object keys, read in order). Other fields (columns, charset, compression,
// contentType, bucket, reportId…) are ignored: the file format is detected from
// the bytes. Period folders are named from the month's first day to the next
// month's first day (koku: 19701101-19701201); the month's last day is accepted
// as the end too (the user guide's example: 20160101-20160131). A report written
// with "overwrite" has its files in the period folder itself; that is accepted.
// A report defined without an S3 prefix is delivered under keys starting with "/"
// (/<report-name>/yyyymmdd-yyyymmdd/…, reportKeys alike: AWS joins the empty
// prefix and the name with a slash); S3 with Config.Prefix "" reads those too.
//
// Data Exports (CUR 2.0) — AWS Data Exports user guide, "Understanding export
// delivery" (docs.aws.amazon.com/cur/latest/userguide/dataexports-export-
// delivery.html): data in <prefix>/<export-name>/data/BILLING_PERIOD=YYYY-MM/, the
// manifest in <prefix>/<export-name>/metadata/BILLING_PERIOD=YYYY-MM/
// <export-name>-Manifest.json, "updated each time the export is refreshed"; and
// "Data Exports manifest file reference" (…/dataexports-manifest.html): executionId
// ("the ID of the export execution that delivered the files": Version), exportArn,
// columns, dataFiles ("the full S3 URIs of the export data files … We recommend
// identifying which files to ingest by programmatically reading this list"),
// additionalOutputFiles. The reference found does not show a billingPeriod field;
// when a manifest has one, its start must be in the partition's month.
//
// # Choices
//
//   - The payer is the legacy manifest's account. A CUR 2.0 manifest names none:
//     the payer is Config.Payer, else the account of exportArn (the account that
//     owns the export — the payer when, as usual, the export is made in the
//     management account). When both a manifest's account and Config.Payer are
//     set they must agree.
//   - GeneratedAt is the manifest object's LastModified (S3) or the manifest
//     file's modification time (a directory).
//   - A legacy CUR and a CUR 2.0 export of the same payer are separate reports.
//     The caller chooses which one to ingest by the prefix it reads
//     (Config.Prefix, or Config.Report for one report under it): when the prefix
//     read holds two reports of one payer for the month, Versions refuses with
//     ErrAmbiguous rather than let the month be counted twice (B-14).
//   - Manifests are checked before any file is read, and every error names the
//     manifest and the field with its value (truncated): reportKeys and
//     dataFiles must be well-formed keys without "." or ".." segments, in the
//     report's period (or assembly) folder or the export's partition, and in the
//     source's bucket; every file listed must exist (its size comes from a
//     listing of its folder), else ErrNotFound — a delivery still in progress is
//     not half ingested. A manifest is read up to MaxManifestSize.
//
// # Errors
//
// Bad manifests are *resellerkit.ValidationError wrapping ErrManifest, wrapped with
// the manifest's name: `s3://bucket/cur/r/20231101-20231201/r-Manifest.json:
// reports: invalid manifest: billingPeriod.start "2023-10" (B-14): is not the month
// of the folder, 2023-11`. Missing objects wrap ErrNotFound; a bad Config is a
// ValidationError wrapping ErrConfig; errors reading a file during a scan are
// *costfile.Error naming the file.
package reports
