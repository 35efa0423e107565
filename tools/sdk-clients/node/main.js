'use strict';
// Calls the simulator's ECS routes through the official Huawei Cloud Node.js SDK
// (@huaweicloud/huaweicloud-sdk-ecs) and writes one JSON outcome per call.
//
// Usage: node main.js REPORT_PATH < input.json
// Input (tests/sdk_clients/scenario.py run_input): endpoint, AK/SK, project id, seeded ids. The report,
// {"sdk": "node", "outcomes": [...]}, goes to REPORT_PATH (the SDK's logger writes to stdout). The npm
// registry has no IMS, EVS, CBR or CSBS package of this SDK, so only ECS is called.

const fs = require('fs');
const https = require('https');
const path = require('path');
const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core');
const ecs = require('@huaweicloud/huaweicloud-sdk-ecs');
const { checkResponse, newFindings } = require('./check');

const modelDir = path.join(path.dirname(require.resolve('@huaweicloud/huaweicloud-sdk-ecs')), 'v2', 'model');

class Recorder {
  constructor(client) {
    this.client = client;
    this.outcomes = [];
  }

  // Run one operation (`ecs.show_server` -> client.showServer) and record its outcome.
  async call(op, request) {
    const snake = op.slice(op.indexOf('.') + 1);
    const method = snake.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());
    const outcome = { op, sdk_method: method, status: null, error_code: null, error_message: null, ...newFindings() };
    let response = null;
    try {
      response = await this.client[method](request);
      outcome.status = response.httpStatusCode;
      const responseModel = `${method[0].toUpperCase()}${method.slice(1)}Response`;
      Object.assign(outcome, checkResponse(modelDir, response, responseModel));
    } catch (error) {
      outcome.status = error.httpStatusCode ?? error.status ?? null;
      outcome.error_code = error.errorCode ?? 'SDK';
      outcome.error_message = error.errorMsg ?? String(error);
      response = null;
    }
    this.outcomes.push(outcome);
    return response;
  }

  async job(answer) {
    if (answer && answer.job_id) {
      await this.call('ecs.show_job', new ecs.ShowJobRequest().withJobId(answer.job_id));
    }
  }
}

function serverIds(ids) {
  return ids.map((id) => new ecs.ServerId().withId(id));
}

async function osChanges(rec, given, imageId) {
  const stopped = given.stopped_server_id;
  const change = new ecs.ChangeServerOsWithCloudInitOption().withKeyname('kp-1').withImageid(imageId);
  await rec.job(await rec.call('ecs.change_server_os_with_cloud_init', new ecs.ChangeServerOsWithCloudInitRequest()
    .withServerId(stopped).withBody(new ecs.ChangeServerOsWithCloudInitRequestBody().withOsChange(change))));
  const plain = new ecs.ChangeServerOsWithoutCloudInitOption().withAdminpass('Sdk-check-1').withImageid(imageId);
  await rec.job(await rec.call('ecs.change_server_os_without_cloud_init', new ecs.ChangeServerOsWithoutCloudInitRequest()
    .withServerId(stopped).withBody(new ecs.ChangeServerOsWithoutCloudInitRequestBody().withOsChange(plain))));
  const reinstall = new ecs.ReinstallServerWithCloudInitOption().withKeyname('kp-1');
  await rec.job(await rec.call('ecs.reinstall_server_with_cloud_init', new ecs.ReinstallServerWithCloudInitRequest()
    .withServerId(stopped).withBody(new ecs.ReinstallServerWithCloudInitRequestBody().withOsReinstall(reinstall))));
  const plainReinstall = new ecs.ReinstallServerWithoutCloudInitOption().withAdminpass('Sdk-check-1');
  await rec.job(await rec.call('ecs.reinstall_server_without_cloud_init', new ecs.ReinstallServerWithoutCloudInitRequest()
    .withServerId(stopped).withBody(new ecs.ReinstallServerWithoutCloudInitRequestBody().withOsReinstall(plainReinstall))));
}

async function createAndDelete(rec, imageId) {
  const postPaid = new ecs.PostPaidServer()
    .withImageRef(imageId).withFlavorRef('s6.large.2').withName('sdk-check-postpaid').withVpcid('vpc-0001')
    .withNics([new ecs.PostPaidServerNic().withSubnetId('subnet-0001')])
    .withRootVolume(new ecs.PostPaidServerRootVolume().withVolumetype('SSD'));
  // dry_run first: a 202 with no body.
  await rec.call('ecs.create_post_paid_servers', new ecs.CreatePostPaidServersRequest()
    .withBody(new ecs.CreatePostPaidServersRequestBody().withServer(postPaid).withDryRun(true)));
  const madePostPaid = await rec.call('ecs.create_post_paid_servers', new ecs.CreatePostPaidServersRequest()
    .withBody(new ecs.CreatePostPaidServersRequestBody().withServer(postPaid)));
  const prePaid = new ecs.PrePaidServer()
    .withImageRef(imageId).withFlavorRef('s6.large.2').withName('sdk-check-prepaid').withVpcid('vpc-0001')
    .withNics([new ecs.PrePaidServerNic().withSubnetId('subnet-0001')])
    .withRootVolume(new ecs.PrePaidServerRootVolume().withVolumetype('SSD'))
    .withExtendparam(new ecs.PrePaidServerExtendParam().withChargingMode('postPaid'));
  const madePrePaid = await rec.call('ecs.create_servers', new ecs.CreateServersRequest()
    .withBody(new ecs.CreateServersRequestBody().withServer(prePaid)));
  const made = [];
  for (const answer of [madePostPaid, madePrePaid]) {
    if (answer) {
      await rec.job(answer);
      made.push(...(answer.serverIds || []));
    }
  }
  for (const id of made) { // a server made from an image answers as the seeded ones must
    await rec.call('ecs.show_server', new ecs.ShowServerRequest().withServerId(id));
  }
  const body = new ecs.DeleteServersRequestBody().withServers(serverIds(made)).withDeleteVolume(true)
    .withDeletePublicip(true);
  await rec.job(await rec.call('ecs.delete_servers', new ecs.DeleteServersRequest().withBody(body)));
}

async function run(given) {
  const credentials = new BasicCredentials().withAk(given.access_key).withSk(given.secret_key)
    .withProjectId(given.project_id);
  // rejectUnauthorized false: a TLS front of the simulator would be self-signed (it is plain HTTP today).
  const options = { axiosRequestConfig: { httpsAgent: new https.Agent({ rejectUnauthorized: false }) } };
  const client = ecs.EcsClient.newBuilder().withCredential(credentials).withEndpoint(given.endpoint)
    .withOptions(options).build();
  const rec = new Recorder(client);
  const running = serverIds([given.running_server_id]);
  await rec.call('ecs.list_servers_details', new ecs.ListServersDetailsRequest().withLimit(25));
  await rec.call('ecs.show_server', new ecs.ShowServerRequest().withServerId(given.running_server_id));
  const stop = new ecs.BatchStopServersOption().withServers(running).withType('SOFT');
  await rec.job(await rec.call('ecs.batch_stop_servers', new ecs.BatchStopServersRequest()
    .withBody(new ecs.BatchStopServersRequestBody().withOsStop(stop))));
  const start = new ecs.BatchStartServersOption().withServers(running);
  await rec.job(await rec.call('ecs.batch_start_servers', new ecs.BatchStartServersRequest()
    .withBody(new ecs.BatchStartServersRequestBody().withOsStart(start))));
  const reboot = new ecs.BatchRebootSeversOption().withServers(running).withType('SOFT');
  await rec.job(await rec.call('ecs.batch_reboot_servers', new ecs.BatchRebootServersRequest()
    .withBody(new ecs.BatchRebootServersRequestBody().withReboot(reboot))));
  // No IMS client on npm: the ECS calls use the seeded full-ECS image.
  await osChanges(rec, given, given.existing_image_id);
  await createAndDelete(rec, given.existing_image_id);
  return rec.outcomes;
}

async function main() {
  const reportPath = process.argv[2];
  if (!reportPath) {
    throw new Error('no report path given; run: node main.js REPORT_PATH < input.json');
  }
  const given = JSON.parse(fs.readFileSync(0, 'utf8'));
  const outcomes = await run(given);
  fs.writeFileSync(reportPath, JSON.stringify({ sdk: 'node', outcomes }));
}

main().catch((error) => {
  process.stderr.write(`error running the Node.js SDK clients: ${error.message}. Check the input JSON on stdin.\n`);
  process.exit(2);
});
