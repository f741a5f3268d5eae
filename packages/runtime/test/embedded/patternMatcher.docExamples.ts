/**
 * Examples from AWS's EventBridge user guide, each with the result the page documents. Where a page gives only a
 * pattern and a sentence ("FileName does not end with .png"), the events are the smallest ones that sentence
 * describes, one that matches and one that does not.
 */
export const PAGES = {
  operators: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html",
  patterns: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html",
  arrays: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html",
  nulls: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html",
} as const;

export interface DocExample {
  name: string;
  page: string;
  pattern: object;
  event: object;
  matches: boolean;
}

const ec2Event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
};
const ec2Termination = {
  source: ["aws.ec2"],
  "detail-type": ["EC2 Instance State-change Notification"],
  detail: { state: ["terminated"] },
};
const autoscalingEvent = {
  version: "0",
  id: "3e3c153a-8339-4e30-8c35-687ebef853fe",
  "detail-type": "EC2 Instance Launch Successful",
  source: "aws.autoscaling",
  account: "123456789012",
  time: "2015-11-11T21:31:47Z",
  region: "us-east-1",
  resources: [],
  detail: { eventVersion: "", responseElements: null },
};
const macieEvent = {
  version: "0",
  id: "3e355723-fca9-4de3-9fd7-154c289d6b59",
  "detail-type": "Macie Alert",
  source: "aws.macie",
  account: "123456789012",
  time: "2017-04-24T22:28:49Z",
  region: "us-east-1",
  resources: [
    "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id",
    "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id",
  ],
  detail: {
    "notification-type": "ALERT_CREATED",
    name: "Scanning bucket policies",
    tags: ["Custom_Alert", "Insider"],
    "risk-score": 80,
    trigger: { "alert-type": "basic", risk: 8 },
  },
};
const maciePattern = {
  source: ["aws.macie"],
  "detail-type": ["Macie Alert"],
  detail: { "risk-score": [80], trigger: { risk: [8] } },
};
/** The running EC2 event the content-filtering examples are written against. */
const runningEvent = {
  ...ec2Event,
  time: "2017-10-02T16:24:49Z",
  detail: { "c-count": 5, "d-count": 3, "x-limit": 301.8, "source-ip": "10.0.0.33", state: "running" },
};
const withDetail = (detail: object) => ({ ...runningEvent, detail: { ...runningEvent.detail, ...detail } });

/** One sentence of the operators summary table: its pattern, an event it describes and one it excludes. */
function row(name: string, pattern: object, matching: object, other: object): DocExample[] {
  return [
    { name: `${name} (matches)`, page: PAGES.operators, pattern, event: matching, matches: true },
    { name: `${name} (does not match)`, page: PAGES.operators, pattern, event: other, matches: false },
  ];
}

export const docExamples: DocExample[] = [
  // eb-event-patterns: the EC2 termination example and the field/value matching examples.
  {
    name: "EC2 termination pattern",
    page: PAGES.patterns,
    pattern: ec2Termination,
    event: ec2Event,
    matches: true,
  },
  {
    name: "EC2 termination pattern, running instance",
    page: PAGES.patterns,
    pattern: ec2Termination,
    event: { ...ec2Event, detail: { ...ec2Event.detail, state: "running" } },
    matches: false,
  },
  ...row(
    "source is aws.ec2 or aws.fargate",
    { source: ["aws.ec2", "aws.fargate"] },
    { source: "aws.fargate" },
    {
      source: "aws.s3",
    },
  ),
  {
    name: "responseElements is null",
    page: PAGES.patterns,
    pattern: {
      source: ["aws.autoscaling"],
      "detail-type": ["EC2 Instance Launch Successful"],
      detail: { responseElements: [null] },
    },
    event: autoscalingEvent,
    matches: true,
  },
  {
    name: "Macie risk score 80 and trigger risk 8",
    page: PAGES.patterns,
    pattern: maciePattern,
    event: macieEvent,
    matches: true,
  },
  {
    name: "Macie, trigger risk 7",
    page: PAGES.patterns,
    pattern: maciePattern,
    event: { ...macieEvent, detail: { ...macieEvent.detail, trigger: { risk: 7 } } },
    matches: false,
  },
  {
    name: "every pattern field must be in the event",
    page: PAGES.patterns,
    pattern: ec2Termination,
    event: { ...ec2Event, detail: { "instance-id": "i-1234567890abcdef0" } },
    matches: false,
  },

  // Null values and empty strings.
  {
    name: "eventVersion is empty",
    page: PAGES.nulls,
    pattern: { detail: { eventVersion: [""] } },
    event: autoscalingEvent,
    matches: true,
  },
  {
    name: "responseElements is null",
    page: PAGES.nulls,
    pattern: { detail: { responseElements: [null] } },
    event: autoscalingEvent,
    matches: true,
  },
  {
    name: "empty string does not match null",
    page: PAGES.nulls,
    pattern: { detail: { responseElements: [""] } },
    event: autoscalingEvent,
    matches: false,
  },
  {
    name: "null does not match empty string",
    page: PAGES.nulls,
    pattern: { detail: { eventVersion: [null] } },
    event: autoscalingEvent,
    matches: false,
  },

  // Arrays: the intersection of the pattern array and the event array.
  {
    name: "resources intersect",
    page: PAGES.arrays,
    pattern: {
      resources: [
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
      ],
    },
    event: {
      resources: [
        "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
      ],
    },
    matches: true,
  },
  {
    name: "resources do not intersect",
    page: PAGES.arrays,
    pattern: { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"] },
    event: { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-00000000"] },
    matches: false,
  },

  // The operators summary table, row by row.
  ...row(
    "And",
    { Location: ["New York"], Day: ["Monday"] },
    { Location: "New York", Day: "Monday" },
    {
      Location: "New York",
      Day: "Tuesday",
    },
  ),
  ...row(
    "Anything-but",
    { state: [{ "anything-but": "initializing" }] },
    { state: "running" },
    { state: "initializing" },
  ),
  ...row(
    "Anything-but (begins with)",
    { Region: [{ "anything-but": { prefix: "us-" } }] },
    { Region: "eu-west-1" },
    {
      Region: "us-east-1",
    },
  ),
  ...row(
    "Anything-but (ends with)",
    { FileName: [{ "anything-but": { suffix: ".png" } }] },
    { FileName: "notes.txt" },
    {
      FileName: "photo.png",
    },
  ),
  ...row(
    "Anything-but (ignore case)",
    { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] },
    { state: "running" },
    { state: "INITIALIZING" },
  ),
  ...row(
    "Anything-but using a wildcard",
    { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] },
    { FilePath: "/usr/bin/tool" },
    { FilePath: "/usr/lib/libc.so" },
  ),
  ...row("Begins with", { Region: [{ prefix: "us-" }] }, { Region: "us-east-1" }, { Region: "eu-west-1" }),
  ...row(
    "Begins with (ignore case)",
    { service: [{ prefix: { "equals-ignore-case": "eventb" } }] },
    { service: "EventBridge" },
    { service: "Lambda" },
  ),
  ...row("Empty", { LastName: [""] }, { LastName: "" }, { LastName: "Doe" }),
  ...row("Equals", { Name: ["Alice"] }, { Name: "Alice" }, { Name: "alice" }),
  ...row(
    "Equals (ignore case)",
    { Name: [{ "equals-ignore-case": "alice" }] },
    { Name: "ALICE" },
    { Name: "Bob" },
  ),
  ...row(
    "Ends with",
    { FileName: [{ suffix: ".png" }] },
    { FileName: "photo.png" },
    { FileName: "photo.PNG" },
  ),
  ...row(
    "Ends with (ignore case)",
    { service: [{ suffix: { "equals-ignore-case": "tbridge" } }] },
    { service: "EVENTBRIDGE" },
    { service: "Lambda" },
  ),
  ...row("Exists", { ProductName: [{ exists: true }] }, { ProductName: "Widget" }, { Price: 10 }),
  ...row("Does not exist", { ProductName: [{ exists: false }] }, { Price: 10 }, { ProductName: "Widget" }),
  ...row("Not", { Weather: [{ "anything-but": ["Raining"] }] }, { Weather: "Sunny" }, { Weather: "Raining" }),
  ...row("Null", { UserID: [null] }, { UserID: null }, { UserID: "" }),
  ...row("Numeric (equals)", { Price: [{ numeric: ["=", 100] }] }, { Price: 100 }, { Price: 101 }),
  ...row("Numeric (range)", { Price: [{ numeric: [">", 10, "<=", 20] }] }, { Price: 20 }, { Price: 10 }),
  ...row("Or", { PaymentType: ["Credit", "Debit"] }, { PaymentType: "Debit" }, { PaymentType: "Cash" }),
  ...row(
    "Or (multiple fields)",
    { $or: [{ Location: ["New York"] }, { Day: ["Monday"] }] },
    { Location: "Boston", Day: "Monday" },
    { Location: "Boston", Day: "Tuesday" },
  ),
  ...row(
    "Wildcard",
    { FileName: [{ wildcard: "dir/*.png" }] },
    { FileName: "dir/icons/logo.png" },
    {
      FileName: "dir/logo.jpg",
    },
  ),

  // The operator sections' examples.
  ...row(
    "Prefix on time",
    { time: [{ prefix: "2017-10-02" }] },
    { time: "2017-10-02T18:43:48Z" },
    {
      time: "2017-10-03T18:43:48Z",
    },
  ),
  ...row(
    "Prefix ignoring case (EventB, EVENTB, eventb)",
    { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } },
    { detail: { service: "EVENTBRIDGE" } },
    { detail: { service: "SQS" } },
  ),
  ...row(
    "Suffix ignoring case (.png, .PNG)",
    { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } },
    { detail: { FileName: "image.PNG" } },
    { detail: { FileName: "image.gif" } },
  ),
  ...row(
    "Anything-but a number",
    { detail: { "x-limit": [{ "anything-but": 123 }] } },
    runningEvent,
    withDetail({ "x-limit": 123 }),
  ),
  ...row(
    "Anything-but a list of strings",
    { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
    runningEvent,
    withDetail({ state: "stopped" }),
  ),
  ...row(
    "Anything-but a list of numbers",
    { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
    runningEvent,
    withDetail({ "x-limit": 200 }),
  ),
  ...row(
    "Anything-but a prefix",
    { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
    runningEvent,
    withDetail({ state: "initializing" }),
  ),
  ...row(
    "Numeric matching, all fields",
    {
      detail: {
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ numeric: ["=", 3.018e2] }],
      },
    },
    runningEvent,
    withDetail({ "c-count": 6 }),
  ),
  ...row(
    "IP address matching (IPv4)",
    { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
    { detail: { sourceIPAddress: "10.0.0.24" } },
    { detail: { sourceIPAddress: "10.0.1.24" } },
  ),
  ...row(
    "IP address matching (IPv6)",
    { detail: { sourceIPAddress: [{ cidr: "2001:db8::/32" }] } },
    { detail: { sourceIPAddress: "2001:db8:0:1::7" } },
    { detail: { sourceIPAddress: "2001:db9::7" } },
  ),
  {
    name: "exists false: the field is absent",
    page: PAGES.operators,
    pattern: { detail: { "c-count": [{ exists: false }] } },
    event: {
      "detail-type": ["EC2 Instance State-change Notification"],
      resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],
      detail: { state: ["initializing", "running"] },
    },
    matches: true,
  },
  {
    name: "exists false: c-count is an object, not a leaf",
    page: PAGES.operators,
    pattern: { detail: { "c-count": [{ exists: false }] } },
    event: {
      "detail-type": ["EC2 Instance State-change Notification"],
      resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],
      detail: { state: ["initializing", "running"], "c-count": { c1: 100 } },
    },
    matches: true,
  },
  ...row(
    "Complex example with multiple matching",
    {
      time: [{ prefix: "2017-10-02" }],
      detail: {
        state: [{ "anything-but": "initializing" }],
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ "anything-but": [100, 200, 300] }],
      },
    },
    runningEvent,
    withDetail({ "d-count": 10 }),
  ),
  ...row(
    "Complex example with $or matching",
    {
      detail: {
        $or: [
          { "c-count": [{ numeric: [">", 0, "<=", 5] }] },
          { "d-count": [{ numeric: ["<", 10] }] },
          { "x-limit": [{ numeric: ["=", 3.018e2] }] },
        ],
      },
    },
    withDetail({ "c-count": 50, "d-count": 50 }),
    withDetail({ "c-count": 50, "d-count": 50, "x-limit": 1 }),
  ),
];
