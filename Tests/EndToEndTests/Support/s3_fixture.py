#!/usr/bin/env python3
# Prepares an S3-compatible test server: a user with an access key allowed to read,
# a bucket, and objects uploaded from local files. Prints "ACCESS_KEY SECRET_KEY".
# usage: s3_fixture.py ENDPOINT BUCKET KEY=FILE [KEY=FILE ...]
import json, sys
import boto3

endpoint, bucket, objects = sys.argv[1], sys.argv[2], sys.argv[3:]
anonymous = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
iam = boto3.client("iam", **anonymous)
iam.create_user(UserName="imgforge")
key = iam.create_access_key(UserName="imgforge")["AccessKey"]
iam.put_user_policy(UserName="imgforge", PolicyName="read", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
s3.create_bucket(Bucket=bucket)
for item in objects:
    name, path = item.split("=", 1)
    with open(path, "rb") as body:
        s3.put_object(Bucket=bucket, Key=name, Body=body.read())
print(key["AccessKeyId"], key["SecretAccessKey"])
