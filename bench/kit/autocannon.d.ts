// autocannon 9 ships no types; the load client uses only its promise form.
declare module "autocannon" {
  function autocannon(options: Record<string, unknown>): Promise<Record<string, unknown>>;
  export default autocannon;
}
