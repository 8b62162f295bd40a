import { defineRule } from "../define.js";
import { actionData, describeBucket } from "./shared.js";

export default defineRule({
  id: "infra/bucket-deletion-policy",
  family: "infra",
  reads: "storageActions",
  severity: "high",
  docs: {
    summary: "A bucket deleted with its stack or on replacement: CloudFormation/SAM DeletionPolicy: Delete or UpdateReplacePolicy: Delete, CDK removalPolicy: RemovalPolicy.DESTROY or applyRemovalPolicy(RemovalPolicy.DESTROY) (Python: removal_policy=RemovalPolicy.DESTROY).",
    why: "Deleting the stack, removing the resource from the template, or a change that replaces the bucket (a new BucketName) then deletes the bucket. The data goes with it.",
    instead: "Use DeletionPolicy: Retain and UpdateReplacePolicy: Retain (CDK: RemovalPolicy.RETAIN, the default) for buckets that hold data; delete retired buckets by hand.",
  },
  examples: {
    invalid: [
      {
        file: "template.yaml",
        code: "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n  UploadsBucket:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Delete\n    Properties:\n      BucketName: !Sub 'acme-uploads-${AWS::AccountId}'\n",
        finding: { line: 6, column: 5, message: "DeletionPolicy: Delete: S3 bucket \"acme-uploads-${AWS::AccountId}\" (UploadsBucket) is deleted with its stack or on replacement" },
      },
      {
        file: "lib/site-stack.ts",
        code: 'import * as cdk from "aws-cdk-lib";\nimport { aws_s3 as s3 } from "aws-cdk-lib";\n\nexport class SiteStack extends cdk.Stack {\n  constructor(scope: cdk.App, id: string) {\n    super(scope, id);\n    new s3.Bucket(this, "Site", { bucketName: "acme-www", removalPolicy: cdk.RemovalPolicy.DESTROY });\n  }\n}\n',
        finding: { line: 7, column: 59, message: "removalPolicy: RemovalPolicy.DESTROY: S3 bucket \"acme-www\" (Site) is deleted with its stack or on replacement" },
      },
    ],
    valid: [
      {
        file: "template.yaml",
        code: "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  UploadsBucket:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n    Properties:\n      BucketName: acme-uploads\n",
      },
    ],
  },
  check(facts, report) {
    for (const action of facts.storageActions) {
      if (action.kind !== "deletion-policy") continue;
      report(action, `${action.operation}: ${describeBucket(action)} is deleted with its stack or on replacement`, actionData(action));
    }
  },
});
