/**
 * The address range QuickSight connects to data sources from, per region: the "IP address range for data source
 * connectivity" column of "AWS Regions, websites, IP address ranges, and endpoints" in the Amazon QuickSight user
 * guide, https://docs.aws.amazon.com/quicksight/latest/user/regions.html (read 2026-11; the page lists GovCloud as
 * gov-east-1/gov-west-1, which are the regions us-gov-east-1/us-gov-west-1). AWS's ip-ranges.json has no QuickSight
 * service, so this table is the source. A region missing here fails the plan (see Warehouse) instead of opening the
 * port wider: add its row from that page.
 */
export const QUICKSIGHT_IP_RANGES: Readonly<Record<string, string>> = {
  "us-east-2": "52.15.247.160/27",
  "us-east-1": "52.23.63.224/27",
  "us-west-2": "54.70.204.128/27",
  "af-south-1": "13.246.220.192/27",
  "ap-southeast-3": "43.218.71.192/27",
  "ap-southeast-5": "56.68.33.0/27",
  "ap-south-1": "52.66.193.64/27",
  "ap-northeast-2": "13.124.145.32/27",
  "ap-southeast-1": "13.229.254.0/27",
  "ap-southeast-2": "54.153.249.96/27",
  "ap-northeast-1": "13.113.244.32/27",
  "ca-central-1": "15.223.73.0/27",
  "cn-north-1": "71.136.65.64/27",
  "eu-central-1": "35.158.127.192/27",
  "eu-west-1": "52.210.255.224/27",
  "eu-west-2": "35.177.218.0/27",
  "eu-south-1": "18.102.150.128/27",
  "eu-west-3": "13.38.202.0/27",
  "eu-south-2": "18.101.99.160/27",
  "eu-north-1": "13.53.191.64/27",
  "eu-central-2": "16.63.53.32/27",
  "sa-east-1": "18.230.46.192/27",
  "us-gov-east-1": "18.252.165.64/27",
  "us-gov-west-1": "160.1.180.32/27",
  "il-central-1": "51.17.195.32/27",
  "me-central-1": "51.112.11.224/27",
};
