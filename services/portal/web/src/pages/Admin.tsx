export function AdminUsers() {
  return <div>AdminUsers</div>;
}
export function AdminDelivery() {
  return <div>AdminDelivery</div>;
}
