// The cloud half of the wdsl JavaScript client (./index.js): on
// `--target helm/k8s/ecs` a binding's environment names the AWS resource
// (`WING_<NAME>_NAME`: bucket name, queue URL or name, DynamoDB table name,
// Lambda function name (`--target tf-aws`);
// `WING_<NAME>_TYPE`: its kind), and the operations run through the AWS SDK v3
// packages that the user's image installs. They are loaded on first use, so an
// image that only runs in the simulator needs none of them. Credentials and
// region come from the SDK's usual chain (IRSA, the ECS task role, AWS_REGION).

import { WingBindingError } from "./index.js";

const PACKAGES = {
  "cloud.Bucket": "@aws-sdk/client-s3",
  "cloud.Queue": "@aws-sdk/client-sqs",
  "cloud.Counter": "@aws-sdk/client-dynamodb",
  "cloud.Function": "@aws-sdk/client-lambda",
};

const loaded = new Map();
async function sdk(type, name) {
  const pkg = PACKAGES[type];
  if (pkg === undefined) {
    throw new WingBindingError(`binding "${name}": ${type} has no AWS form in the JavaScript client; in the cloud only cloud.Bucket, cloud.Queue, cloud.Counter, cloud.Function and cloud.Secret bindings work`);
  }
  if (!loaded.has(pkg)) loaded.set(pkg, import(pkg));
  try {
    return await loaded.get(pkg);
  } catch (error) {
    loaded.delete(pkg);
    throw new WingBindingError(`binding "${name}" (${type}) runs on AWS here and needs the package ${pkg}, which this image does not have (${error.message}); add it with \`npm install ${pkg}\` in the image`);
  }
}

const clients = new Map();
function clientOf(module, className) {
  if (!clients.has(className)) clients.set(className, new module[className]({}));
  return clients.get(className);
}

function isMissing(error) {
  return error && (error.name === "NoSuchKey" || error.name === "NotFound" || error.$metadata?.httpStatusCode === 404);
}

async function bucketCall(s3, bucket, op, args) {
  const client = clientOf(s3, "S3Client");
  const send = (name, input) => client.send(new s3[name]({ Bucket: bucket, ...input }));
  const read = async (key, options) => {
    let range;
    if (options && (options.startByte !== undefined || options.endByte !== undefined)) {
      range = `bytes=${options.startByte ?? 0}-${options.endByte ?? ""}`;
    }
    try {
      const out = await send("GetObjectCommand", { Key: key, Range: range });
      return await out.Body.transformToString();
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  };
  const must = (body, key) => {
    if (body === undefined) throw new WingBindingError(`Object does not exist (key=${key}).`);
    return body;
  };
  switch (op) {
    case "put": return void (await send("PutObjectCommand", { Key: args[0], Body: args[1], ContentType: args[2]?.contentType }));
    case "putJson": return void (await send("PutObjectCommand", { Key: args[0], Body: JSON.stringify(args[1], null, 2), ContentType: "application/json" }));
    case "get": return must(await read(args[0], args[1]), args[0]);
    case "tryGet": return (await read(args[0], args[1])) ?? null;
    case "getJson": return JSON.parse(must(await read(args[0]), args[0]));
    case "tryGetJson": { const body = await read(args[0]); return body === undefined ? null : JSON.parse(body); }
    case "exists":
      try { await send("HeadObjectCommand", { Key: args[0] }); return true; } catch (error) { if (isMissing(error)) return false; throw error; }
    case "delete": {
      if (args[1]?.mustExist && !(await bucketCall(s3, bucket, "exists", [args[0]]))) must(undefined, args[0]);
      return void (await send("DeleteObjectCommand", { Key: args[0] }));
    }
    case "tryDelete": {
      if (!(await bucketCall(s3, bucket, "exists", [args[0]]))) return false;
      await send("DeleteObjectCommand", { Key: args[0] });
      return true;
    }
    case "list": {
      const keys = [];
      let token;
      do {
        const out = await send("ListObjectsV2Command", { Prefix: args[0] ?? undefined, ContinuationToken: token });
        for (const item of out.Contents ?? []) keys.push(item.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return keys;
    }
    case "copy":
    case "rename": {
      await send("CopyObjectCommand", { Key: args[1], CopySource: `${bucket}/${encodeURIComponent(args[0])}` });
      if (op === "rename" && args[0] !== args[1]) await send("DeleteObjectCommand", { Key: args[0] });
      return undefined;
    }
    case "publicUrl": return `https://${bucket}.s3.amazonaws.com/${encodeURIComponent(args[0]).replace(/%2F/g, "/")}`;
  }
  throw new WingBindingError(`cloud.Bucket has no operation ${op}`);
}

async function queueCall(sqs, queue, op, args) {
  const client = clientOf(sqs, "SQSClient");
  let url = queue;
  if (!/^https?:\/\//.test(url)) url = (await client.send(new sqs.GetQueueUrlCommand({ QueueName: queue }))).QueueUrl;
  const send = (name, input) => client.send(new sqs[name]({ QueueUrl: url, ...input }));
  switch (op) {
    case "push": return void (await send("SendMessageCommand", { MessageBody: args[0] }));
    case "pop": {
      const out = await send("ReceiveMessageCommand", { MaxNumberOfMessages: 1 });
      const message = out.Messages?.[0];
      if (!message) return null;
      await send("DeleteMessageCommand", { ReceiptHandle: message.ReceiptHandle });
      return message.Body;
    }
    case "approxSize": {
      const out = await send("GetQueueAttributesCommand", { AttributeNames: ["ApproximateNumberOfMessages"] });
      return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
    }
    case "purge": return void (await send("PurgeQueueCommand", {}));
  }
  throw new WingBindingError(`cloud.Queue has no operation ${op}`);
}

// The table's hash key is `id` (backends/tfaws), "counter" for the default
// key as in wdsl-runtime (runtime/aws/json_services.h), so a service and a
// container share one count; the value is the number attribute
// `counter_value`; a key never set reads as 0.
async function counterCall(dynamo, table, op, args) {
  const client = clientOf(dynamo, "DynamoDBClient");
  const keyOf = (key) => ({ id: { S: key ?? "counter" } });
  switch (op) {
    case "inc":
    case "dec": {
      const amount = (args[0] ?? 1) * (op === "dec" ? -1 : 1);
      const out = await client.send(new dynamo.UpdateItemCommand({
        TableName: table, Key: keyOf(args[1]), UpdateExpression: "ADD counter_value :amount",
        ExpressionAttributeValues: { ":amount": { N: String(amount) } }, ReturnValues: "UPDATED_OLD",
      }));
      return Number(out.Attributes?.counter_value?.N ?? 0);
    }
    case "peek": {
      const out = await client.send(new dynamo.GetItemCommand({ TableName: table, Key: keyOf(args[0]), ConsistentRead: true }));
      return Number(out.Item?.counter_value?.N ?? 0);
    }
    case "set":
      return void (await client.send(new dynamo.PutItemCommand({
        TableName: table, Item: { ...keyOf(args[1]), counter_value: { N: String(args[0]) } },
      })));
  }
  throw new WingBindingError(`cloud.Counter has no operation ${op}`);
}

// Lambda's Invoke: the handler's result, or its error as a WingBindingError.
async function functionCall(lambda, name, op, args) {
  const client = clientOf(lambda, "LambdaClient");
  const payload = new TextEncoder().encode(JSON.stringify(args[0] ?? null));
  const out = await client.send(new lambda.InvokeCommand({
    FunctionName: name, Payload: payload, InvocationType: op === "invokeAsync" ? "Event" : "RequestResponse",
  }));
  if (op === "invokeAsync") return undefined;
  const text = out.Payload ? new TextDecoder().decode(out.Payload) : "null";
  if (out.FunctionError) {
    let message = text;
    try { message = JSON.parse(text).errorMessage ?? text; } catch { /* not Lambda's error JSON */ }
    throw new WingBindingError(`the function ${name} failed (${out.FunctionError}): ${message}`);
  }
  return text === "" ? null : JSON.parse(text);
}

/** Runs `op` of the AWS resource `where` ({name, type}) for binding `label`. */
export async function call(where, label, op, args) {
  const module = await sdk(where.type, label);
  try {
    if (where.type === "cloud.Bucket") return await bucketCall(module, where.name, op, args);
    if (where.type === "cloud.Queue") return await queueCall(module, where.name, op, args);
    if (where.type === "cloud.Function") return await functionCall(module, where.name, op, args);
    return await counterCall(module, where.name, op, args);
  } catch (error) {
    if (error instanceof WingBindingError) throw error;
    throw new WingBindingError(`${label}.${op} on ${where.type} ${where.name} failed: ${error.name}: ${error.message}`, error.$metadata?.httpStatusCode ?? 0);
  }
}
