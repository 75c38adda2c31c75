import { useState } from "react";

export interface FlashView {
  kind: "success" | "info" | "error";
  message: string;
  copy?: string;
}

export function FlashMessage({ flash }: { flash: FlashView | null }) {
  const [copied, setCopied] = useState(false);
  if (!flash) return null;
  return (
    <div className={`alert ${flash.kind}`} role="status">
      {flash.message}
      {flash.copy ? (
        <div className="copy-box">
          <input
            type="text"
            readOnly
            value={flash.copy}
            aria-label="Link to copy"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button
            type="button"
            className="secondary"
            onClick={() => {
              void navigator.clipboard?.writeText(flash.copy!).then(() => setCopied(true));
            }}
          >
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function CopyField({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span className="copy-box">
      <input
        type="text"
        readOnly
        value={value}
        aria-label={label}
        onFocus={(e) => e.currentTarget.select()}
      />
      <button
        type="button"
        className="secondary"
        onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true))}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </span>
  );
}
