/** The classic EventBridge bus every hint, scale request and status transition travels on. */
export const bus = new sst.aws.Bus("Bus");
