import { Link } from 'react-router-dom';
import { useT } from '../i18n';

/** What 资料完善 still lacks, in words, each with where to do it on 资料完善 (`link`: from another page). */
export function MissingItems({ missing, link }: { missing: string[]; link?: boolean }) {
  const t = useT();
  const say: Record<string, { text: string; anchor: string }> = {
    profile: { text: t('填写并保存资料（姓名、证件、联系方式和证书收件信息）'), anchor: 'profile-form' },
    proofs: { text: t('上传身份证明'), anchor: 'profile-proofs' },
  };
  if (!missing.length) return null;
  return (
    <>
      {t('尚需：')}
      <ul style={{ margin: 0, paddingInlineStart: 20 }}>
        {missing.map((m) => {
          const item = say[m] ?? { text: t('完善资料'), anchor: 'profile-form' };
          return (
            <li key={m} data-testid={`missing-${m}`}>
              {link ? (
                <Link to={`/profile#${item.anchor}`}>{item.text}</Link>
              ) : (
                <a href={`#${item.anchor}`}>{item.text}</a>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
