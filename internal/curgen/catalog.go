package curgen

import (
	"hash/fnv"
	"strings"
)

// kv is one product attribute: a column index and its value.
type kv struct {
	col int
	val string
}

// region is an AWS region as it appears in CUR columns.
type region struct {
	code     string // ap-northeast-1
	name     string // Asia Pacific (Tokyo)
	prefix   string // usage-type prefix: "APN1-"; empty for us-east-1
	azs      []string
	rateMult int64 // price multiplier in percent relative to Tokyo
}

var regions = []region{
	{"ap-northeast-1", "Asia Pacific (Tokyo)", "APN1-", []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}, 100},
	{"us-east-1", "US East (N. Virginia)", "", []string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"}, 80},
	{"ap-northeast-3", "Asia Pacific (Osaka)", "APN3-", []string{"ap-northeast-3a", "ap-northeast-3b", "ap-northeast-3c"}, 100},
}

// regionWeights: most usage of a Japanese reseller's customers is in Tokyo.
var regionWeights = []int{80, 14, 6}

// sku is one priced product of the catalog, in one region.
type sku struct {
	code, name string // lineItem/ProductCode, product/ProductName
	family     string // product/productFamily
	usageType  string // full usage type including the region prefix
	operation  string
	unit       string // pricing/unit
	rate       int64  // public on-demand rate, in 1e-8 USD per unit
	amtMin     int64  // usage amount range per row, in 1e-6 units
	amtMax     int64
	rateText   string // the rate as decimal text
	desc       string // lineItem/LineItemDescription
	reg        *region
	global     bool   // not regional (CloudFront, Route 53)
	resource   string // resource id kind: "i", "vol", "snap", "s3", "arn:…" prefix, or ""
	norm       string // normalization factor for instances, "" otherwise
	instType   string // instance type, for RI / Savings Plans rows
	weight     int
	attrs      []kv
	skuID      string
	rateCode   string
	monthlyish bool // charged per month (keys, secrets, hosted zones): dated at month start
}

// base describes a product independently of its region.
type base struct {
	code, name, family string
	usage, op, unit    string
	rate               int64 // 1e-8 USD per unit, Tokyo price
	amtMin, amtMax     int64 // 1e-6 units
	desc               string
	resource           string
	weight             int
	attrs              []kv
	norm, instType     string
	global, monthly    bool
}

const (
	productEC2 = "Amazon Elastic Compute Cloud"
	productRDS = "Amazon Relational Database Service"
	productS3  = "Amazon Simple Storage Service"
)

// usd converts a dollar amount written as text ("0.0136") into 1e-8 USD units at
// init. It panics on bad text: the catalog is a constant of this package.
func usd(s string) int64 {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 8 {
		panic("curgen: rate with more than 8 decimals: " + s)
	}
	frac += strings.Repeat("0", 8-len(frac))
	var v int64
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			panic("curgen: bad rate " + s)
		}
		v = v*10 + int64(c-'0')
	}
	return v
}

type instance struct {
	typ, vcpu, mem, family, arch, norm string
	rate                               string
}

var ec2Instances = []instance{
	{"t3.micro", "2", "1 GiB", "General purpose", "64-bit", "0.5", "0.0136"},
	{"t3.small", "2", "2 GiB", "General purpose", "64-bit", "1", "0.0272"},
	{"t3.medium", "2", "4 GiB", "General purpose", "64-bit", "2", "0.0544"},
	{"t3.large", "2", "8 GiB", "General purpose", "64-bit", "4", "0.1088"},
	{"m5.large", "2", "8 GiB", "General purpose", "64-bit", "4", "0.124"},
	{"m5.xlarge", "4", "16 GiB", "General purpose", "64-bit", "8", "0.248"},
	{"m6i.large", "2", "8 GiB", "General purpose", "64-bit", "4", "0.124"},
	{"m6i.2xlarge", "8", "32 GiB", "General purpose", "64-bit", "16", "0.496"},
	{"m7g.medium", "1", "4 GiB", "General purpose", "64-bit", "2", "0.0527"},
	{"c6g.xlarge", "4", "8 GiB", "Compute optimized", "64-bit", "8", "0.171"},
	{"c5.2xlarge", "8", "16 GiB", "Compute optimized", "64-bit", "16", "0.428"},
	{"r6g.large", "2", "16 GiB", "Memory optimized", "64-bit", "4", "0.1216"},
	{"r5.4xlarge", "16", "128 GiB", "Memory optimized", "64-bit", "32", "1.216"},
	{"g4dn.xlarge", "4", "16 GiB", "GPU instance", "64-bit", "8", "0.71"},
}

func ec2InstanceBases() []base {
	var out []base
	for i, in := range ec2Instances {
		fam, _, _ := strings.Cut(in.typ, ".")
		attrs := []kv{
			{col("product/instanceType"), in.typ},
			{col("product/instanceFamily"), in.family},
			{col("product/instanceTypeFamily"), fam},
			{col("product/vcpu"), in.vcpu},
			{col("product/memory"), in.mem},
			{col("product/processorArchitecture"), in.arch},
			{col("product/normalizationSizeFactor"), in.norm},
			{col("product/tenancy"), "Shared"},
			{col("product/preInstalledSw"), "NA"},
			{col("product/capacitystatus"), "Used"},
			{col("product/currentGeneration"), "Yes"},
			{col("product/marketoption"), "OnDemand"},
			{col("product/storage"), "EBS only"},
		}
		linux := append([]kv{{col("product/operatingSystem"), "Linux"}}, attrs...)
		out = append(out, base{
			code: "AmazonEC2", name: productEC2, family: "Compute Instance",
			usage: "BoxUsage:" + in.typ, op: "RunInstances", unit: "Hrs",
			rate: usd(in.rate), amtMin: 1_000_000, amtMax: 1_000_000,
			desc:     "$%s per On Demand Linux " + in.typ + " Instance Hour",
			resource: "i", weight: 70 - 3*i, attrs: linux, norm: in.norm, instType: in.typ,
		})
		if i%4 == 1 { // some Windows instances
			win := append([]kv{{col("product/operatingSystem"), "Windows"}}, attrs...)
			out = append(out, base{
				code: "AmazonEC2", name: productEC2, family: "Compute Instance",
				usage: "BoxUsage:" + in.typ, op: "RunInstances:0002", unit: "Hrs",
				rate: usd(in.rate) + usd("0.046"), amtMin: 1_000_000, amtMax: 1_000_000,
				desc:     "$%s per On Demand Windows " + in.typ + " Instance Hour",
				resource: "i", weight: 8, attrs: win, norm: in.norm, instType: in.typ,
			})
		}
	}
	return out
}

func storageAttrs(api, media, maxIops, maxTput string) []kv {
	return []kv{
		{col("product/volumeApiName"), api},
		{col("product/volumeType"), media},
		{col("product/storageMedia"), "SSD-backed"},
		{col("product/maxIopsvolume"), maxIops},
		{col("product/maxThroughputvolume"), maxTput},
		{col("product/maxVolumeSize"), "16 TiB"},
	}
}

func transferAttrs(from, to, toType, kind string) []kv {
	return []kv{
		{col("product/fromLocation"), from},
		{col("product/fromLocationType"), "AWS Region"},
		{col("product/toLocation"), to},
		{col("product/toLocationType"), toType},
		{col("product/transferType"), kind},
	}
}

func otherBases() []base {
	gp3 := storageAttrs("gp3", "General Purpose", "16000", "1000 MiB/s")
	gp2 := storageAttrs("gp2", "General Purpose", "16000", "250 MiB/s")
	out := "External"
	return []base{
		{code: "AmazonEC2", name: productEC2, family: "Storage", usage: "EBS:VolumeUsage.gp3", op: "CreateVolume-Gp3", unit: "GB-Mo", rate: usd("0.096"), amtMin: 10_000, amtMax: 2_800_000, desc: "$%s per GB-month of General Purpose (gp3) provisioned storage - Asia Pacific (Tokyo)", resource: "vol", weight: 60, attrs: gp3},
		{code: "AmazonEC2", name: productEC2, family: "Storage", usage: "EBS:VolumeUsage.gp2", op: "CreateVolume-Gp2", unit: "GB-Mo", rate: usd("0.12"), amtMin: 10_000, amtMax: 1_400_000, desc: "$%s per GB-month of General Purpose SSD (gp2) provisioned storage - Asia Pacific (Tokyo)", resource: "vol", weight: 20, attrs: gp2},
		{code: "AmazonEC2", name: productEC2, family: "Storage Snapshot", usage: "EBS:SnapshotUsage", op: "CreateSnapshot", unit: "GB-Mo", rate: usd("0.05"), amtMin: 1_000, amtMax: 900_000, desc: "$%s per GB-Month of snapshot data stored - Asia Pacific (Tokyo)", resource: "snap", weight: 18, attrs: []kv{{col("product/storageMedia"), "Amazon S3"}}},
		{code: "AmazonEC2", name: productEC2, family: "Data Transfer", usage: "DataTransfer-Out-Bytes", op: "RunInstances", unit: "GB", rate: usd("0.114"), amtMin: 1, amtMax: 40_000_000, desc: "$%s per GB - first 10 TB / month data transfer out beyond the global free tier", resource: "i", weight: 30, attrs: transferAttrs("Asia Pacific (Tokyo)", out, "Other", "AWS Outbound")},
		{code: "AmazonEC2", name: productEC2, family: "Data Transfer", usage: "DataTransfer-Regional-Bytes", op: "InterZone-In", unit: "GB", rate: usd("0.01"), amtMin: 1, amtMax: 90_000_000, desc: "$%s per GB - regional data transfer - in/out/between EC2 AZs or using elastic IPs or ELB", resource: "i", weight: 25, attrs: transferAttrs("Asia Pacific (Tokyo)", "Asia Pacific (Tokyo)", "AWS Region", "IntraRegion")},
		{code: "AmazonEC2", name: productEC2, family: "NAT Gateway", usage: "NatGateway-Hours", op: "NatGateway", unit: "Hrs", rate: usd("0.062"), amtMin: 1_000_000, amtMax: 1_000_000, desc: "$%s per NAT Gateway Hour", resource: "arn:aws:ec2:%r:%a:natgateway/nat-", weight: 12},
		{code: "AmazonEC2", name: productEC2, family: "NAT Gateway", usage: "NatGateway-Bytes", op: "NatGateway", unit: "GB", rate: usd("0.062"), amtMin: 1, amtMax: 30_000_000, desc: "$%s per GB Data Processed by NAT Gateways", resource: "arn:aws:ec2:%r:%a:natgateway/nat-", weight: 12},
		{code: "AmazonVPC", name: "Amazon Virtual Private Cloud", family: "IP Address", usage: "PublicIPv4:InUseAddress", op: "AssociateAddressVPC", unit: "Hrs", rate: usd("0.005"), amtMin: 1_000_000, amtMax: 1_000_000, desc: "$%s per In-use public IPv4 address per hour", resource: "arn:aws:ec2:%r:%a:ipv4pool-ec2/eipalloc-", weight: 25},
		{code: "AmazonVPC", name: "Amazon Virtual Private Cloud", family: "VpcEndpoint", usage: "VpcEndpoint-Hours", op: "VpcEndpoint", unit: "Hrs", rate: usd("0.014"), amtMin: 1_000_000, amtMax: 1_000_000, desc: "$%s per VPC Endpoint Hour", resource: "arn:aws:ec2:%r:%a:vpc-endpoint/vpce-", weight: 8},
		{code: "AmazonRDS", name: productRDS, family: "Database Instance", usage: "InstanceUsage:db.t4g.medium", op: "CreateDBInstance:0002", unit: "Hrs", rate: usd("0.113"), amtMin: 1_000_000, amtMax: 1_000_000, desc: "$%s per RDS db.t4g.medium Single-AZ instance hour (or partial hour) running MySQL", resource: "arn:aws:rds:%r:%a:db:mysql-", weight: 20, instType: "db.t4g.medium", norm: "2", attrs: []kv{{col("product/databaseEngine"), "MySQL"}, {col("product/deploymentOption"), "Single-AZ"}, {col("product/engineCode"), "2"}, {col("product/instanceType"), "db.t4g.medium"}, {col("product/instanceFamily"), "General purpose"}, {col("product/vcpu"), "2"}, {col("product/memory"), "4 GiB"}, {col("product/licenseModel"), "No license required"}}},
		{code: "AmazonRDS", name: productRDS, family: "Database Instance", usage: "InstanceUsage:db.r6g.large", op: "CreateDBInstance:0016", unit: "Hrs", rate: usd("0.313"), amtMin: 1_000_000, amtMax: 1_000_000, desc: "$%s per RDS db.r6g.large instance hour (or partial hour) running Aurora MySQL", resource: "arn:aws:rds:%r:%a:db:aurora-", weight: 25, instType: "db.r6g.large", norm: "4", attrs: []kv{{col("product/databaseEngine"), "Aurora MySQL"}, {col("product/deploymentOption"), "Single-AZ"}, {col("product/engineCode"), "16"}, {col("product/instanceType"), "db.r6g.large"}, {col("product/instanceFamily"), "Memory optimized"}, {col("product/vcpu"), "2"}, {col("product/memory"), "16 GiB"}}},
		{code: "AmazonRDS", name: productRDS, family: "Database Instance", usage: "Multi-AZUsage:db.m6g.xlarge", op: "CreateDBInstance:0014", unit: "Hrs", rate: usd("0.896"), amtMin: 1_000_000, amtMax: 1_000_000, desc: "$%s per RDS db.m6g.xlarge Multi-AZ instance hour (or partial hour) running PostgreSQL", resource: "arn:aws:rds:%r:%a:db:pg-", weight: 12, instType: "db.m6g.xlarge", norm: "16", attrs: []kv{{col("product/databaseEngine"), "PostgreSQL"}, {col("product/deploymentOption"), "Multi-AZ"}, {col("product/engineCode"), "14"}, {col("product/instanceType"), "db.m6g.xlarge"}, {col("product/vcpu"), "4"}, {col("product/memory"), "16 GiB"}}},
		{code: "AmazonRDS", name: productRDS, family: "Database Storage", usage: "RDS:GP3-Storage", op: "CreateDBInstance:0014", unit: "GB-Mo", rate: usd("0.138"), amtMin: 20_000, amtMax: 1_400_000, desc: "$%s per GB-month of provisioned gp3 storage running PostgreSQL", resource: "arn:aws:rds:%r:%a:db:pg-", weight: 12, attrs: []kv{{col("product/volumeType"), "General Purpose-GP3"}, {col("product/databaseEngine"), "PostgreSQL"}}},
		{code: "AmazonRDS", name: productRDS, family: "Database Storage", usage: "Aurora:StorageUsage", op: "CreateDBInstance:0016", unit: "GB-Mo", rate: usd("0.12"), amtMin: 10_000, amtMax: 2_000_000, desc: "$%s per GB-month of storage used by Amazon Aurora MySQL", resource: "arn:aws:rds:%r:%a:cluster:aurora-", weight: 15, attrs: []kv{{col("product/databaseEngine"), "Aurora MySQL"}}},
		{code: "AmazonRDS", name: productRDS, family: "System Operation", usage: "Aurora:StorageIOUsage", op: "CreateDBInstance:0016", unit: "IOs", rate: usd("0.00000024"), amtMin: 1_000_000, amtMax: 900_000_000_000, desc: "$%s per 1 million I/O requests - Amazon Aurora MySQL", resource: "arn:aws:rds:%r:%a:cluster:aurora-", weight: 15, attrs: []kv{{col("product/group"), "Aurora I/O Operation"}, {col("product/databaseEngine"), "Aurora MySQL"}}},
		{code: "AmazonS3", name: productS3, family: "Storage", usage: "TimedStorage-ByteHrs", op: "StandardStorage", unit: "GB-Mo", rate: usd("0.025"), amtMin: 1, amtMax: 40_000_000, desc: "$%s per GB - first 50 TB / month of storage used", resource: "s3", weight: 60, attrs: []kv{{col("product/storageClass"), "General Purpose"}, {col("product/volumeType"), "Standard"}, {col("product/durability"), "99.999999999%"}, {col("product/availability"), "99.99%"}}},
		{code: "AmazonS3", name: productS3, family: "Storage", usage: "TimedStorage-SIA-ByteHrs", op: "StandardIAStorage", unit: "GB-Mo", rate: usd("0.019"), amtMin: 1, amtMax: 30_000_000, desc: "$%s per GB-Month of storage used in Standard-Infrequent Access", resource: "s3", weight: 10, attrs: []kv{{col("product/storageClass"), "Infrequent Access"}, {col("product/volumeType"), "Standard - Infrequent Access"}, {col("product/durability"), "99.999999999%"}, {col("product/availability"), "99.9%"}}},
		{code: "AmazonS3", name: productS3, family: "API Request", usage: "Requests-Tier1", op: "PutObject", unit: "Requests", rate: usd("0.0000047"), amtMin: 1_000_000, amtMax: 2_000_000_000, desc: "$%s per 1,000 PUT, COPY, POST, or LIST requests", resource: "s3", weight: 45, attrs: []kv{{col("product/group"), "S3-API-Tier1"}, {col("product/groupDescription"), "PUT/COPY/POST or LIST requests"}}},
		{code: "AmazonS3", name: productS3, family: "API Request", usage: "Requests-Tier2", op: "GetObject", unit: "Requests", rate: usd("0.00000037"), amtMin: 1_000_000, amtMax: 9_000_000_000, desc: "$%s per 10,000 GET and all other requests", resource: "s3", weight: 45, attrs: []kv{{col("product/group"), "S3-API-Tier2"}, {col("product/groupDescription"), "GET and all other requests"}}},
		{code: "AmazonS3", name: productS3, family: "Data Transfer", usage: "DataTransfer-Out-Bytes", op: "GetObject", unit: "GB", rate: usd("0.114"), amtMin: 1, amtMax: 20_000_000, desc: "$%s per GB - first 10 TB / month data transfer out beyond the global free tier", resource: "s3", weight: 20, attrs: transferAttrs("Asia Pacific (Tokyo)", out, "Other", "AWS Outbound")},
		{code: "AWSLambda", name: "AWS Lambda", family: "Serverless", usage: "Lambda-GB-Second", op: "Invoke", unit: "Lambda-GB-Second", rate: usd("0.00001667"), amtMin: 1_000_000, amtMax: 90_000_000_000, desc: "AWS Lambda - Total Compute - Asia Pacific (Tokyo)", resource: "arn:aws:lambda:%r:%a:function:fn-", weight: 40, attrs: []kv{{col("product/group"), "AWS-Lambda-Duration"}, {col("product/groupDescription"), "Invocation duration, rounded up to the nearest millisecond"}}},
		{code: "AWSLambda", name: "AWS Lambda", family: "Serverless", usage: "Lambda-GB-Second-ARM", op: "Invoke", unit: "Lambda-GB-Second", rate: usd("0.00001333"), amtMin: 1_000_000, amtMax: 90_000_000_000, desc: "AWS Lambda - Total Compute (Arm) - Asia Pacific (Tokyo)", resource: "arn:aws:lambda:%r:%a:function:fn-", weight: 15, attrs: []kv{{col("product/group"), "AWS-Lambda-Duration-ARM"}}},
		{code: "AWSLambda", name: "AWS Lambda", family: "Serverless", usage: "Request", op: "Invoke", unit: "Requests", rate: usd("0.0000002"), amtMin: 1_000_000, amtMax: 5_000_000_000, desc: "AWS Lambda - Total Requests - Asia Pacific (Tokyo)", resource: "arn:aws:lambda:%r:%a:function:fn-", weight: 35, attrs: []kv{{col("product/group"), "AWS-Lambda-Requests"}}},
		{code: "AmazonCloudWatch", name: "AmazonCloudWatch", family: "Metric", usage: "CW:MetricMonitorUsage", op: "MetricStorage", unit: "Metrics", rate: usd("0.30"), amtMin: 1_000, amtMax: 2_000_000, desc: "$%s per metric-month - first 10,000 metrics - Asia Pacific (Tokyo)", weight: 35, attrs: []kv{{col("product/group"), "Metric"}}},
		{code: "AmazonCloudWatch", name: "AmazonCloudWatch", family: "Data Payload", usage: "DataProcessing-Bytes", op: "PutLogEvents", unit: "GB", rate: usd("0.76"), amtMin: 1, amtMax: 5_000_000, desc: "$%s per GB custom log data ingested - Asia Pacific (Tokyo)", resource: "arn:aws:logs:%r:%a:log-group:/aws/lambda/fn-", weight: 35, attrs: []kv{{col("product/group"), "Ingested Logs"}}},
		{code: "AmazonCloudWatch", name: "AmazonCloudWatch", family: "Storage Snapshot", usage: "TimedStorage-ByteHrs", op: "HourlyStorageMetering", unit: "GB-Mo", rate: usd("0.033"), amtMin: 1, amtMax: 3_000_000, desc: "$%s per GB-mo of log storage - Asia Pacific (Tokyo)", resource: "arn:aws:logs:%r:%a:log-group:/aws/lambda/fn-", weight: 20},
		{code: "AmazonDynamoDB", name: "Amazon DynamoDB", family: "Amazon DynamoDB PayPerRequest Throughput", usage: "ReadRequestUnits", op: "PayPerRequestThroughput", unit: "ReadRequestUnits", rate: usd("0.00000028"), amtMin: 1_000_000, amtMax: 5_000_000_000, desc: "$%s per 1,000,000 read request units", resource: "arn:aws:dynamodb:%r:%a:table/tbl-", weight: 15, attrs: []kv{{col("product/group"), "DDB-ReadUnits"}}},
		{code: "AmazonDynamoDB", name: "Amazon DynamoDB", family: "Amazon DynamoDB PayPerRequest Throughput", usage: "WriteRequestUnits", op: "PayPerRequestThroughput", unit: "WriteRequestUnits", rate: usd("0.00000142"), amtMin: 1_000_000, amtMax: 1_000_000_000, desc: "$%s per 1,000,000 write request units", resource: "arn:aws:dynamodb:%r:%a:table/tbl-", weight: 15, attrs: []kv{{col("product/group"), "DDB-WriteUnits"}}},
		{code: "AmazonDynamoDB", name: "Amazon DynamoDB", family: "Database Storage", usage: "TimedStorage-ByteHrs", op: "StandardStorage", unit: "GB-Mo", rate: usd("0.285"), amtMin: 1, amtMax: 1_000_000, desc: "$%s per GB-Month of storage used beyond first 25 free GB-Months", resource: "arn:aws:dynamodb:%r:%a:table/tbl-", weight: 10},
		{code: "AWSELB", name: "Elastic Load Balancing", family: "Load Balancer-Application", usage: "LoadBalancerUsage", op: "LoadBalancing:Application", unit: "Hrs", rate: usd("0.0243"), amtMin: 1_000_000, amtMax: 1_000_000, desc: "$%s per Application LoadBalancer-hour (or partial hour)", resource: "arn:aws:elasticloadbalancing:%r:%a:loadbalancer/app/alb-", weight: 20},
		{code: "AWSELB", name: "Elastic Load Balancing", family: "Load Balancer-Application", usage: "LCUUsage", op: "LoadBalancing:Application", unit: "LCU-Hrs", rate: usd("0.008"), amtMin: 1_000, amtMax: 40_000_000, desc: "$%s per used Application load balancer capacity unit-hour (or partial hour)", resource: "arn:aws:elasticloadbalancing:%r:%a:loadbalancer/app/alb-", weight: 20},
		{code: "AmazonECS", name: "Amazon Elastic Container Service", family: "Compute", usage: "Fargate-vCPU-Hours:perCPU", op: "FargateTask", unit: "hours", rate: usd("0.05056"), amtMin: 250_000, amtMax: 16_000_000, desc: "AWS Fargate - vCPU - Asia Pacific (Tokyo)", resource: "arn:aws:ecs:%r:%a:task/cluster-", weight: 18},
		{code: "AmazonECS", name: "Amazon Elastic Container Service", family: "Compute", usage: "Fargate-GB-Hours", op: "FargateTask", unit: "hours", rate: usd("0.00553"), amtMin: 500_000, amtMax: 64_000_000, desc: "AWS Fargate - Memory - Asia Pacific (Tokyo)", resource: "arn:aws:ecs:%r:%a:task/cluster-", weight: 18},
		{code: "AmazonEKS", name: "Amazon Elastic Container Service for Kubernetes", family: "Compute", usage: "AmazonEKS-Hours:perCluster", op: "CreateOperation", unit: "Hours", rate: usd("0.10"), amtMin: 1_000_000, amtMax: 1_000_000, desc: "Amazon EKS cluster usage in Asia Pacific (Tokyo)", resource: "arn:aws:eks:%r:%a:cluster/eks-", weight: 8},
		{code: "AmazonElastiCache", name: "Amazon ElastiCache", family: "Cache Instance", usage: "NodeUsage:cache.r6g.large", op: "CreateCacheCluster:0002", unit: "Hrs", rate: usd("0.247"), amtMin: 1_000_000, amtMax: 1_000_000, desc: "$%s per Cache Node Hour (or partial hour) running Redis, cache.r6g.large", resource: "arn:aws:elasticache:%r:%a:cluster:redis-", weight: 10, instType: "cache.r6g.large", attrs: []kv{{col("product/instanceType"), "cache.r6g.large"}, {col("product/vcpu"), "2"}, {col("product/memory"), "13.07 GiB"}}},
		{code: "AmazonES", name: "Amazon OpenSearch Service", family: "Amazon OpenSearch Service Instance", usage: "ESInstance:r6g.large", op: "ESDomain", unit: "Hrs", rate: usd("0.196"), amtMin: 1_000_000, amtMax: 1_000_000, desc: "$%s per r6g.large.search instance hour (or partial hour)", resource: "arn:aws:es:%r:%a:domain/search-", weight: 6, attrs: []kv{{col("product/instanceType"), "r6g.large.search"}}},
		{code: "AmazonRedshift", name: "Amazon Redshift", family: "Compute Instance", usage: "Node:ra3.xlplus", op: "RunComputeNode:0001", unit: "Hrs", rate: usd("1.278"), amtMin: 1_000_000, amtMax: 1_000_000, desc: "$%s per RA3 XLPLUS Compute Node hour", resource: "arn:aws:redshift:%r:%a:cluster:dwh-", weight: 4, attrs: []kv{{col("product/instanceType"), "ra3.xlplus"}}},
		{code: "AWSKMS", name: "AWS Key Management Service", family: "Encryption Key", usage: "KMS-Keys", op: "CreateKey", unit: "Keys", rate: usd("1"), amtMin: 1_000, amtMax: 1_400, desc: "$%s per customer-managed key version - Asia Pacific (Tokyo)", resource: "arn:aws:kms:%r:%a:key/", weight: 10},
		{code: "AWSKMS", name: "AWS Key Management Service", family: "API Request", usage: "KMS-Requests", op: "GenerateDataKey", unit: "Requests", rate: usd("0.000003"), amtMin: 1_000_000, amtMax: 200_000_000_000, desc: "$%s per 10,000 requests - Asia Pacific (Tokyo)", resource: "arn:aws:kms:%r:%a:key/", weight: 12},
		{code: "AWSSecretsManager", name: "AWS Secrets Manager", family: "Secret", usage: "AWSSecretsManager-Secrets", op: "StoreSecret", unit: "Secrets", rate: usd("0.40"), amtMin: 1_000, amtMax: 1_400, desc: "$%s per secret per month - Asia Pacific (Tokyo)", resource: "arn:aws:secretsmanager:%r:%a:secret:app-", weight: 8},
		{code: "AWSQueueService", name: "Amazon Simple Queue Service", family: "API Request", usage: "Requests-Tier1", op: "SendMessage", unit: "Requests", rate: usd("0.0000004"), amtMin: 1_000_000, amtMax: 3_000_000_000, desc: "$%s per 1,000,000 Amazon SQS Requests", resource: "arn:aws:sqs:%r:%a:queue-", weight: 15},
		{code: "AmazonSNS", name: "Amazon Simple Notification Service", family: "API Request", usage: "Requests-Tier1", op: "Publish", unit: "Requests", rate: usd("0.0000005"), amtMin: 1_000_000, amtMax: 900_000_000, desc: "$%s per 1,000,000 Amazon SNS Requests", resource: "arn:aws:sns:%r:%a:topic-", weight: 6},
		{code: "AmazonGuardDuty", name: "Amazon GuardDuty", family: "Security Services", usage: "PaidEventsAnalyzed", op: "PaidEventsAnalyzed", unit: "Events", rate: usd("0.0000046"), amtMin: 1_000_000, amtMax: 9_000_000_000, desc: "Amazon GuardDuty - CloudTrail management events analyzed, per 1,000,000 events", weight: 8},
		{code: "AWSCloudTrail", name: "AWS CloudTrail", family: "Management Tools - AWS CloudTrail Paid Events Recorded", usage: "PaidEventsRecorded", op: "None", unit: "Events", rate: usd("0.00002"), amtMin: 1_000_000, amtMax: 9_000_000_000, desc: "$%s per 100,000 management events delivered", weight: 6},
		{code: "AWSConfig", name: "AWS Config", family: "Management Tools - AWS Config", usage: "ConfigurationItemRecorded", op: "None", unit: "ConfigurationItemRecorded", rate: usd("0.003"), amtMin: 1_000_000, amtMax: 900_000_000, desc: "$%s per Configuration Item recorded in Asia Pacific (Tokyo) region", weight: 8},
		{code: "AmazonECR", name: "Amazon EC2 Container Registry (ECR)", family: "EC2 Container Registry", usage: "TimedStorage-ByteHrs", op: "", unit: "GB-Mo", rate: usd("0.10"), amtMin: 1, amtMax: 900_000, desc: "$%s per GB-month of data storage", resource: "arn:aws:ecr:%r:%a:repository/app-", weight: 8},
		{code: "AmazonEFS", name: "Amazon Elastic File System", family: "Storage", usage: "TimedStorage-ByteHrs", op: "", unit: "GB-Mo", rate: usd("0.36"), amtMin: 1, amtMax: 1_400_000, desc: "$%s per GB-Month of storage for Standard storage class", resource: "arn:aws:elasticfilesystem:%r:%a:file-system/fs-", weight: 6},
		{code: "AmazonAthena", name: "Amazon Athena", family: "SQL Queries", usage: "DataScannedInTB", op: "RunQueries", unit: "Terabytes", rate: usd("5"), amtMin: 1, amtMax: 200_000, desc: "$%s per TB of data scanned", resource: "arn:aws:athena:%r:%a:workgroup/primary", weight: 6},
		{code: "AmazonCloudFront", name: "Amazon CloudFront", family: "Data Transfer", usage: "JP-DataTransfer-Out-Bytes", op: "GET", unit: "GB", rate: usd("0.114"), amtMin: 1, amtMax: 90_000_000, desc: "$%s per GB - first 10 TB / month data transfer out - Japan", resource: "arn:aws:cloudfront::%a:distribution/E", weight: 18, global: true, attrs: transferAttrs("Japan", out, "Other", "CloudFront Outbound")},
		{code: "AmazonCloudFront", name: "Amazon CloudFront", family: "Request", usage: "JP-Requests-Tier1", op: "GET", unit: "Requests", rate: usd("0.0000012"), amtMin: 1_000_000, amtMax: 20_000_000_000, desc: "$%s per 10,000 HTTP Requests - Japan", resource: "arn:aws:cloudfront::%a:distribution/E", weight: 12, global: true},
		{code: "AmazonRoute53", name: "Amazon Route 53", family: "DNS Zone", usage: "HostedZone", op: "", unit: "HostedZone", rate: usd("0.50"), amtMin: 1_000_000, amtMax: 1_000_000, desc: "$%s per Hosted Zone for the first 25 Hosted Zones", resource: "arn:aws:route53:::hostedzone/Z", weight: 6, global: true, monthly: true},
		{code: "AmazonRoute53", name: "Amazon Route 53", family: "DNS Query", usage: "DNS-Queries", op: "Query", unit: "Queries", rate: usd("0.0000004"), amtMin: 1_000_000, amtMax: 9_000_000_000, desc: "$%s per 1,000,000 queries for the first 1 Billion queries", resource: "arn:aws:route53:::hostedzone/Z", weight: 10, global: true},
	}
}

// skuHash derives stable identifiers (product/sku, pricing/RateCode) from text.
func skuHash(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

const skuAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func skuID(s string) string {
	h := skuHash(s)
	b := make([]byte, 16)
	for i := range b {
		b[i] = skuAlphabet[h%uint64(len(skuAlphabet))]
		h = h/uint64(len(skuAlphabet)) ^ skuHash(s[:i%len(s)]+"x")
	}
	return string(b)
}

// catalog is every priced SKU in every region, and the cumulative weights to draw one.
var catalog, catalogCum = buildCatalog()

func buildCatalog() ([]sku, []int) {
	var skus []sku
	bases := append(ec2InstanceBases(), otherBases()...)
	for _, b := range bases {
		for ri := range regions {
			r := &regions[ri]
			if b.global && ri > 0 {
				continue
			}
			s := sku{
				code: b.code, name: b.name, family: b.family, operation: b.op, unit: b.unit,
				amtMin: b.amtMin, amtMax: b.amtMax, reg: r, global: b.global,
				resource: b.resource, norm: b.norm, instType: b.instType,
				monthlyish: b.monthly, attrs: b.attrs,
			}
			s.usageType = b.usage
			if !b.global {
				s.usageType = r.prefix + b.usage
			}
			s.rate = b.rate * r.rateMult / 100
			if b.global {
				s.rate = b.rate
			}
			s.rateText = string(appendDecimal(nil, s.rate, 8, true))
			s.desc = b.desc
			if strings.Contains(b.desc, "%s") {
				s.desc = strings.Replace(b.desc, "%s", s.rateText, 1)
			}
			if ri > 0 {
				s.desc = strings.ReplaceAll(s.desc, "Asia Pacific (Tokyo)", r.name)
			}
			w := b.weight * regionWeights[ri]
			if b.global {
				w = b.weight * 100
			}
			s.weight = w
			s.skuID = skuID(s.usageType + "|" + s.operation + "|" + s.code)
			s.rateCode = s.skuID + ".JRTCKXETXF.6YS6EN2CT7"
			skus = append(skus, s)
		}
	}
	cum := make([]int, len(skus))
	t := 0
	for i, s := range skus {
		t += s.weight
		cum[i] = t
	}
	return skus, cum
}
