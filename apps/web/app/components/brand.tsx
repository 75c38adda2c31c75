export function Brand({ name, logoUrl }: { name: string; logoUrl: string | null }) {
  return (
    <div className="brand-mark">
      {logoUrl ? (
        <img src={logoUrl} alt="" />
      ) : (
        <span className="brand-dot">{name.slice(0, 1).toUpperCase()}</span>
      )}
      <span>{name}</span>
    </div>
  );
}
